/*
 * local.h - calls while tracing (local.c): a call to a module of this FMP
 * runs here through its dispatcher, on the bytes a split call would carry,
 * and every call, local or not, is counted on its edge (trace.h).
 */
#ifndef FR_LOCAL_H
#define FR_LOCAL_H

#include <fracture/abi.h>

#include "state.h"

/*
 * Run @c (its request built, buffers that overlap planned) here: its
 * request encoded, the function's dispatcher run on it as a callee would,
 * and its reply left in c->rp .. c->rend for fr_get_* as a reply from
 * another FMP is (valid until the thread's next call at this depth,
 * which the stub does not make before fr_call_end).  The calling thread
 * runs the callee's module meanwhile.  0, or the call's error (c->err).
 */
int fr__call_local(struct fr_call *c);

/* Make the call @c to another FMP with @out (fr_call_invoke's own way of
 * sending it, on logical thread @lt) and count it: the caller's thread
 * runs no module while it waits.  @out's result. */
int fr__call_counted(struct fr_call *c, struct fr_lt *lt,
                     int (*out)(struct fr_call *c, struct fr_lt *lt));

#endif /* FR_LOCAL_H */
