/*
 * exchange.h - one call on one channel (exchange.c): send the request,
 * wait for what comes back, serve the nested requests that come back
 * meanwhile, take the reply.  Who is to blame when the peer misbehaves is
 * decided here, once, and said with fr__xchg_blame.
 *
 * The layer below is the transport (channel.h: messages on a slot); the
 * layer above is the policies (policy.h), which decide where a call goes
 * and what a failed exchange means (replay it, send it elsewhere, fail).
 * Serving a nested request runs the callee's dispatcher (callee.h): the
 * one call up the layers that the design requires.
 *
 * The outcome of an exchange, as its return value:
 *   0           the reply is taken: c->rp .. c->rend holds its fields;
 *   -EPIPE      the peer is gone, or is another incarnation now: the
 *               request may not have run; a policy may replay it;
 *   -ETIMEDOUT  the peer did not do its part within call_timeout_ms: it
 *               has been stopped (blamed);
 *   -EPROTO     the peer broke the protocol: it has been stopped;
 *   -ECANCELED  the peer is gone, and so is the incarnation that asked the
 *               frame making this call: its work is for nobody (the
 *               asker's replay makes the call again if it is needed);
 *   -EXDEV      the call is a replay that strayed from what it did before
 *               its crash (exactly once): its FMP has been stopped, and
 *               the call fails alone;
 *   other       the peer refused the call (its status, never positive).
 */
#ifndef FR_EXCHANGE_H
#define FR_EXCHANGE_H

#include <stdint.h>

#include <fracture/abi.h>

#include "nlog.h"
#include "state.h"

/* What wait brings: the events of one exchange. */
enum fr_xev {
    FR_XEV_REPLY,             /* the reply is on the call's own slot */
    FR_XEV_NESTED,            /* a request came back into this FMP (on *got) */
    FR_XEV_GONE,              /* the peer died, or a new incarnation holds the slot */
    FR_XEV_BROKEN,            /* some peer broke the protocol (on *got: blamed) */
    FR_XEV_TIMEOUT,           /* the deadline passed */
    FR_XEV_ERROR,             /* an error of this side (a negative errno in *got) */
};

/* One exchange in progress: a call to the peer of region @r. */
struct fr_xchg {
    struct fr_call *c;
    struct fr_lt *lt;
    int r;
    int mode;                 /* the request's fr_req_mode (group.h), 0: plain */
    const struct fr__field *pre;  /* sent before the call's fields (a follower's record) */
    struct fr_nlog *log;      /* nested calls to log or feed (NULL: none) */
    uint64_t parent;          /* its place in the call tree (state.h) */
    uint32_t nth;
    int level;                /* lt->calling[level] holds r while it runs */
    int was;                  /* what lt->calling[level] held before */
    uint32_t gen;             /* the peer's incarnation the request went to */
    int64_t deadline;         /* -1: none */
    int sent;                 /* the fast path made this attempt's send (fr__xchg_fast) */
    int sent_rc;              /* and its outcome: 0, the request is out; or the error */
};

/*
 * Open an exchange of @c on @lt toward FMP @peer: the thread's record of
 * the call it has in flight at this depth.  @log may be NULL.  -ENOTCONN
 * when this FMP has no channel to @peer (nothing to close then).
 */
int fr__xchg_open(struct fr_xchg *x, struct fr_call *c, struct fr_lt *lt, int peer, int mode,
                  const struct fr__field *pre, struct fr_nlog *log);
/* Give the exchange its place in the call tree (state.h): the n-th outward
 * call of the frame @x's thread serves, or a new call tree of an
 * application thread.  Kept by every attempt: a replay has the same. */
void fr__xchg_place(struct fr_xchg *x);
/* Point the open exchange @x at FMP @peer instead (a sampled instance
 * lost: the call goes to another). */
void fr__xchg_retarget(struct fr_xchg *x, int peer);
/* One attempt: send, wait (serving nested requests), take the reply.  The
 * outcome as above; c->err holds it too. */
int fr__xchg_attempt(struct fr_xchg *x);
/*
 * The fast path of a call (fr_call_invoke, call.c): the exchange of @c on
 * @lt with the peer of region @r, for a call of the common shape, which
 * the caller has checked (a top-level call of an application thread to a
 * plain or restart FMP, without descriptors or handles, an FR_INIT flag,
 * a replica, tracing or a replay): one attempt, its send and the take of
 * its reply in one pass.
 *   0  the reply is taken: c->rp .. c->rend, as after fr__xchg_attempt;
 *   1  not of the common shape after all (a request larger than the
 *      window, metadata to carry): nothing done, the policy's call goes;
 *   2  the request went (or failed to: x->sent_rc) but its reply was not
 *      the common one, or is not there yet: @x is the open, placed
 *      exchange, whose attempt the policy's resume takes on (policy.h).
 * The fault points are the attempt's, at the same places.
 */
int fr__xchg_fast(struct fr_xchg *x, struct fr_call *c, struct fr_lt *lt, int r);
/* Close the exchange: the thread's in-flight record as it was. */
void fr__xchg_close(struct fr_xchg *x);

/* The reply of @c (from FMP c->peer, on the thread c->lt) is malformed
 * (@what): the call fails with -EPROTO, which it returns, and the callee is
 * stopped.  A call that failed already keeps its error. */
int fr__xchg_broken(struct fr_call *c, const char *what);

/* The incarnation of the peer of region @r now (its header's word). */
uint32_t fr__xchg_peer_gen(int r);

/*
 * The peer of region @r, as @lt knows it, misbehaved: stop it (said once,
 * "FMP 'x' @why; stopping it"); a report about an incarnation that was
 * replaced meanwhile is dropped (fr__fault).
 */
void fr__xchg_blame(const struct fr_lt *lt, int r, const char *why);

/*
 * A worker's turn: wait for the next request on any slot of @lt (no
 * deadline), serve it, and blame a peer that misbehaves.  Returns once a
 * request was served or a message dropped.
 */
void fr__xchg_serve_next(struct fr_lt *lt);

#endif /* FR_EXCHANGE_H */
