/*
 * callee.h - the callee's half of the stub ABI: a request taken off a slot,
 * run through the function's dispatcher, its reply sent (callee.c).
 */
#ifndef FR_CALLEE_H
#define FR_CALLEE_H

#include <errno.h>
#include <stddef.h>

#include <fracture/abi.h>

#include "nlog.h"
#include "state.h"

/* Take the request on @lt's slot of region @r, run its function here and
 * send its reply.  @log, when not NULL, is the caller's log of the nested
 * calls of a call in flight to a restartable FMP (nlog.h): a replay is fed
 * from it.  0, or a negative errno (-EPROTO: the asker broke the protocol;
 * -EXDEV: a replay strayed from the log). */
int fr__serve_logged(struct fr_lt *lt, int r, struct fr_nlog *log);
/* fr__serve_logged of a worker's request (no log): the common one is
 * served the short way, without the full path's frame. */
int fr__serve(struct fr_lt *lt, int r);
/* The decoding half of fr__serve on a request already in memory (@len
 * bytes at @req): @dispatch reads it with fr_arg_* and answers with
 * fr_ret_*, and everything it made is freed.  Its status, as fr__serve
 * would reply it.  For the fuzzer (tests/fuzz/fuzz_request.c): no
 * descriptor may be read (fr_arg_fd needs a region). */
int fr__callee_decode(const unsigned char *req, size_t len, fr_dispatch_fn dispatch);

/*
 * Calls of this FMP's own modules run here while tracing (local.h).  A
 * context for them, owned by the caller (fr__callee_local_free); NULL
 * without memory.
 */
struct fr_callee *fr__callee_local_new(void);
/* Free a context fr__callee_local_new made (NULL: nothing), holding no call. */
void fr__callee_local_free(struct fr_callee *cc);
/*
 * Run function @fn here through its dispatcher, in @cc, on the request
 * fields @req[0..n) as the caller's stub put them (fr__call_local): the
 * callee works on the caller's own buffers (an OUT one as it is), as
 * the plain program's function does, borrows the caller's own descriptor
 * for each FR_FD and gets a duplicate for each FR_FD_KEEP.  On success the reply is *rf[0..*nrf) (each FD field's fd a
 * returned descriptor, *nfds of them; a buffer may be the caller's own),
 * valid until fr__serve_local_end(@cc), which must follow.  The
 * dispatcher's status: 0, or negative (the call fails with it; nothing is
 * held).  *@eno: the caller's errno in, the function's out.
 */
int fr__serve_local(struct fr_callee *cc, unsigned fn, const struct fr__field *req, unsigned n,
                    int *eno, const struct fr__field **rf, unsigned *nrf, unsigned *nfds);
/* The caller took the first @taken fields of the reply of @cc's call:
 * release the call (memory, lent descriptors, returned ones not taken). */
void fr__serve_local_end(struct fr_callee *cc, unsigned taken);

/*
 * The status of a call whose callee FMP could not start a thread to serve
 * its logical thread (pthread_create failed: no address space left under
 * limits.memory_mb, or no more threads).  The callee's acceptor answers
 * the request with it (fr__serve_refuse); the caller fails that call, and
 * opens its slot again on its next call, which makes the acceptor try
 * again.  An errno the callee never returns otherwise.
 */
#define FR_ENOWORKER ENOSR

/* Take the request waiting on @lt's slot of region @r and answer it with
 * FR_MSG_ERR @status instead of running it.  0 or a negative errno. */
int fr__serve_refuse(struct fr_lt *lt, int r, int status);

#endif /* FR_CALLEE_H */
