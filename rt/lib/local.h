/*
 * local.h - calls while tracing (local.c): a call to a module of this FMP
 * runs here through its dispatcher, on the bytes a split call would carry,
 * and every call, local or not, is counted on its edge (trace.h).
 */
#ifndef FR_LOCAL_H
#define FR_LOCAL_H

#include <fracture/abi.h>

#include "state.h"
#include "wire.h"

/*
 * Run @c (its request built, buffers that overlap planned) here: the
 * function's dispatcher run on its request fields as a callee would, and
 * its reply held for fr_get_* (fr__local_next) until fr_call_end
 * (fr__call_local_end).  The calling thread runs the callee's module
 * meanwhile.  0, or the call's error (c->err).
 */
int fr__call_local(struct fr_call *c);

/* Whether @c was run here by fr__call_local (no logical thread, its own
 * FMP as its peer); then c->rp .. c->rend are its reply's fields
 * (struct fr__field) and c->rseq its depth. */
static inline int fr__call_is_local(const struct fr_call *c)
{
    return c->lt == NULL && c->peer >= 0 && c->peer == fr__rt.self;
}
/* The next field of a local call's reply, as fr__wire_next reads one from
 * the wire (a returned descriptor's number in aux).  0, or -EPROTO when
 * there is none. */
int fr__local_next(struct fr_call *c, struct fr_wire_field *f);
/* The stub is done with local call @c: its callee side is released. */
void fr__call_local_end(struct fr_call *c);

/* Make the call @c to another FMP with @out (fr_call_invoke's own way of
 * sending it, on logical thread @lt) and count it: the caller's thread
 * runs no module while it waits.  @out's result. */
int fr__call_counted(struct fr_call *c, struct fr_lt *lt,
                     int (*out)(struct fr_call *c, struct fr_lt *lt));

#endif /* FR_LOCAL_H */
