/*
 * nlog.h - exactly once across a crash (DESIGN, Semantics of a call).
 */
#ifndef FR_NLOG_H
#define FR_NLOG_H

#include <stdint.h>

#include <fracture/abi.h>

#include "channel.h"
#include "state.h"

/*
 * Exactly once across a crash (exchange.c, callee.c, nlog.c): the nested calls a
 * caller serves while it waits for a call to a restartable FMP (callbacks
 * back into it, calls of any module it holds) are logged, request and
 * reply, for as long as the call is in flight.  The log lives with the
 * caller, which survives the callee's crash; when the call is replayed
 * into the restarted FMP, the nested calls the replay makes again are
 * answered from the log in order, without running again, and only those
 * past its end run.  A replayed nested call that differs from the logged
 * one (another function, other argument bytes) fails the call alone.
 */
struct fr_nlog_entry {
    int peer;                 /* FMP that made the nested call */
    uint32_t fn;
    int32_t status;           /* < 0: it was answered with this error */
    int32_t eno;              /* the errno its reply carried */
    int feedable;             /* 0: its reply carried a descriptor: cannot be fed */
    unsigned char *req;       /* request bytes as received (malloc) */
    uint64_t req_len;
    unsigned char *rep;       /* reply bytes as encoded (malloc) */
    uint64_t rep_len;
};
struct fr_nlog {
    struct fr_nlog_entry *e;
    unsigned n, cap;
    unsigned pos;             /* next entry a replay must repeat; == n: record */
    int diverged;             /* a replay strayed from the log: the call fails */
    char what[200];           /* how, for the log line */
};

/* The callee's half (callee.c): the calls a frame of a restartable caller
 * made to this FMP, kept under the frame's id until another frame of that
 * caller calls on this logical thread; when the caller's next incarnation
 * replays the frame (the same id), it is fed from here. */
struct fr_qframe {
    uint64_t parent;          /* the frame's id */
    uint32_t gen;             /* the caller's incarnation that made the calls */
    struct fr_nlog log;
};
struct fr_qrec {
    uint32_t top;             /* the top-level call they are part of */
    struct fr_qframe *f;      /* every frame of it that called us (malloc) */
    unsigned n, cap;
    uint64_t bytes;           /* request bytes of the frames logged: bounded (callee.c) */
};

/* @c, on @lt, is answered from a record instead of its callee (a leader
 * replica's, replicate.c; an FR_INIT call's, initlog.c): @len bytes of
 * @rep, copied where a reply is decoded from, and @eno, the errno it
 * carried.  0 or -ENOMEM (c->err). */
int fr__nlog_reply(struct fr_call *c, struct fr_lt *lt, const void *rep, uint64_t len, int eno);

/* Free what @log holds; it is empty after. */
void fr__nlog_free(struct fr_nlog *log);

/* A replay's nested request @m, from region @r: answer it from the log
 * (0 or the send's error), or say it strayed (-EXDEV, log->diverged). */
int fr__nlog_feed(struct fr_lt *lt, int r, struct fr_nlog *log, const struct fr_msg *m);

/* Log a nested call just served (its effects happened), before its reply
 * goes: a reply lost with a dying asker is still the call's result. */
void fr__nlog_note(struct fr_nlog *log, int r, const struct fr_msg *m, int status, int eno,
                   const struct fr__field *rf, unsigned nrf);

/* The callee's record of frame m->parent of the restartable caller on
 * region @r, incarnation @gen (NULL: not logged); owned by @lt. */
struct fr_nlog *fr__qrec_for(struct fr_lt *lt, int r, const struct fr_msg *m, uint32_t gen);

/* Whether a frame this logical thread serves here was asked by an
 * incarnation that has died since: its work is for nobody. */
int fr__lt_orphaned(const struct fr_lt *lt);

#endif /* FR_NLOG_H */
