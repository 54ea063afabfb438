/*
 * fault.h - the crash-point harness: every point of the call protocol
 * where an FMP can die is numbered, in the caller's half and the callee's,
 * so that a test can kill a child FMP at each in turn (SQLite's crash
 * tests, FoundationDB's simulation) and require the plain build's output.
 *
 * A child FMP started with FRACTURE_FAULT=POINT[:N[:stop]] kills itself
 * (SIGKILL; with :stop it stops instead, SIGSTOP, a hang that only
 * call_timeout_ms ends) the N-th time (default 1) it reaches POINT; POINT
 * is a number (1 ..
 * FR_FP_COUNT - 1, as `fr__fault_name` and the table below list them) or
 * a name.  With FRACTURE_FAULT_LOG=FILE every process (root too) appends a
 * line "hit N NAME" to FILE for each point it passes, and "kill N NAME"
 * just before a kill, so that the harness can show each point was reached
 * (tests/e2e/crashpoints.sh).  Unset, a point costs one predictable branch
 * on a word that stays 0: the points are always compiled, never armed.
 *
 * Failure points fail instead of killing (fr__fault_fails), from the N-th
 * time on: worker-start (a thread to serve a logical thread cannot be
 * made).  They are named only, outside the numbered crash points.
 */
#ifndef FR_FAULT_H
#define FR_FAULT_H

/* In protocol order; the numbers are the harness's, keep them stable. */
#define FR_FAULT_POINTS(X)                                                    \
    /* caller half (root or child): one exchange (exchange.c)  */             \
    X(CALL_SEND, "call-send")        /* before the request's first byte */   \
    X(SEND_CHUNK, "send-chunk")      /* a long message: after a chunk, before its ACK */ \
    X(CALL_WAIT, "call-wait")        /* request out, waiting for the reply */ \
    X(NESTED_SERVE, "nested-serve")  /* a nested request came back in, before serving it */ \
    X(NESTED_DONE, "nested-done")    /* a nested request served, its reply out */ \
    X(CALL_RECV, "call-recv")        /* the reply is there, not yet taken */ \
    X(RECV_CHUNK, "recv-chunk")      /* a long message: after a chunk, before the next */ \
    X(CALL_DONE, "call-done")        /* the reply taken, not yet decoded */   \
    /* callee half: one request served by fr__serve */                       \
    X(BEFORE_REQUEST, "before-request") /* a worker woke for a request, read nothing */ \
    X(SERVE_BEGIN, "serve-begin")    /* the request read, before the function runs */ \
    X(NESTED_CALL, "nested-call")    /* the function called out (a nested call) and waits */ \
    X(SERVE_END, "serve-end")        /* the function returned, before its reply */ \
    X(REPLY_CHUNK, "reply-chunk")    /* a long reply is half written */      \
    X(AFTER_REPLY, "after-reply")    /* the reply is out */                   \
    /* FR_INIT replay into a restarted FMP (the restarted FMP's side) */    \
    X(INIT_REPLAY, "init-replay")    /* a replayed FR_INIT call read, before it runs */ \
    /* process: a child started, its regions mapped, not yet READY */       \
    X(CHILD_START, "child-start")                                            \
    /* an FR_INIT call made by a child (initlog.c) */                        \
    X(INIT_COPY, "init-copy")        /* answered, its copy not yet sent to the root */

enum fr_fault_point {
    FR_FP_NONE = 0,
#define FR__FP_ENUM(id, name) FR_FP_##id,
    FR_FAULT_POINTS(FR__FP_ENUM)
#undef FR__FP_ENUM
    FR_FP_COUNT
};

extern int fr__fault_armed;
void fr__fault_init(int may_kill);
void fr__fault_point(enum fr_fault_point p);
const char *fr__fault_name(enum fr_fault_point p);
/* Whether failure point @point fails now: from the N-th time on. */
int fr__fault_fails(const char *point);

#define FR_FAULT_POINT(p)                                                      \
    do {                                                                       \
        if (__builtin_expect(fr__fault_armed, 0))                              \
            fr__fault_point(FR_FP_##p);                                        \
    } while (0)
/* Point @p when @cond holds, which is evaluated only when points are
 * armed: a test that costs nothing in a run without the harness. */
#define FR_FAULT_POINT_IF(p, cond)                                             \
    do {                                                                       \
        if (__builtin_expect(fr__fault_armed, 0) && (cond))                    \
            fr__fault_point(FR_FP_##p);                                        \
    } while (0)

#endif /* FR_FAULT_H */
