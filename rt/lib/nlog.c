/*
 * nlog.c - the logs that make a replayed call exactly once (nlog.h): what a
 * call in flight to a restartable FMP made its caller do (the caller's
 * log), and what a restartable FMP's frame made this FMP do (the callee's
 * record, per logical thread and top-level call).  A replay is fed from
 * them instead of running again.
 */
#include "nlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel.h"
#include "group.h"
#include "wire.h"

/* Double the malloc()ed array *@a of *@cap elements of @size bytes. */
static int room_for_one(void **a, unsigned *cap, size_t size)
{
    unsigned n = *cap ? *cap * 2 : 8;
    void *b = realloc(*a, n * size);

    if (!b)
        return -ENOMEM;
    *a = b;
    *cap = n;
    return 0;
}

int fr__nlog_reply(struct fr_call *c, struct fr_lt *lt, const void *rep, uint64_t len, int eno)
{
    /* the recorded reply, decoded as if it had come from the callee */
    if (len > lt->rcap) {
        void *b = realloc(lt->rbuf, len);
        if (!b)
            return c->err = -ENOMEM;
        lt->rbuf = b;
        lt->rcap = len;
    }
    if (len)
        memcpy(lt->rbuf, rep, len);
    c->rp = lt->rbuf;
    c->rend = (unsigned char *)lt->rbuf + len;
    c->eno_back = eno;
    return c->err = 0;
}

void fr__nlog_free(struct fr_nlog *log)
{
    for (unsigned i = 0; i < log->n; i++) {
        free(log->e[i].req);
        free(log->e[i].rep);
    }
    free(log->e);
    log->e = NULL;
    log->n = log->cap = log->pos = 0;
}

/* A replay's nested request @m, from region r: answer it from the log
 * (0 or the send's error), or say it strayed (-EXDEV, log->diverged). */
int fr__nlog_feed(struct fr_lt *lt, int r, struct fr_nlog *log, const struct fr_msg *m)
{
    const struct fr_function *fs = fr__rt.app->functions;
    struct fr_nlog_entry *e = &log->e[log->pos];

    FR_ASSERT(log->pos < log->n);
    if (fr__group_primary(e->peer) != fr__group_primary(fr__rt.regions[r].peer) || e->fn != m->fn || e->req_len != m->len ||
        memcmp(e->req, m->data, m->len) != 0 || !e->feedable) {
        log->diverged = 1;
        snprintf(log->what, sizeof log->what,
                 !e->feedable ? "its nested call to %s() returned a descriptor, which "
                                "cannot be given again"
                 : e->fn != m->fn ? "it called %s() where it had called %s() before its crash"
                                  : "it called %s() with other arguments than before its crash",
                 m->fn < fr__rt.app->nfunctions ? fs[m->fn].name : "?", fs[e->fn].name);
        return -EXDEV;
    }
    log->pos++;
    if (e->status < 0)
        return fr__chan_send(lt, r, FR_MSG_ERR, m->fn, e->status, NULL, 0);
    struct fr__field raw = { .ptr = e->rep, .len = e->rep_len, .kind = FR_W_RAW, .fd = -1 };
    lt->eno = e->eno;
    return fr__chan_send(lt, r, FR_MSG_REP, m->fn, 0, &raw, 1);
}

/* Log a nested call just served (its effects happened), before its reply
 * goes: a reply lost with a dying asker is still the call's result. */
void fr__nlog_note(struct fr_nlog *log, int r, const struct fr_msg *m, int status, int eno,
                   const struct fr__field *rf, unsigned nrf)
{
    struct fr_nlog_entry e = { fr__rt.regions[r].peer, m->fn, status < 0 ? status : 0, eno, 1,
                               NULL, m->len, NULL, 0 };
    struct fr_wire_enc enc = { 0, 0 };

    FR_ASSERT(log->pos == log->n);   /* only past the end of what a replay repeats */
    if (log->n == log->cap && room_for_one((void **)&log->e, &log->cap, sizeof *log->e) < 0)
        goto oom;
    if (!(e.req = malloc(m->len ? m->len : 1)))
        goto oom;
    memcpy(e.req, m->data, m->len);
    if (status >= 0) {
        for (unsigned i = 0; i < nrf; i++)
            e.feedable &= rf[i].kind != FR_W_FD;
        e.rep_len = fr__wire_size(rf, nrf);
        if (e.rep_len == UINT64_MAX || !(e.rep = malloc(e.rep_len ? e.rep_len : 1)))
            goto oom;
        fr__wire_fill(rf, nrf, &enc, e.rep, e.rep_len);
    }
    log->e[log->n++] = e;
    log->pos = log->n;
    return;
oom:
    /* an entry missing makes a replay stray: loud, never a double effect */
    free(e.req);
    e.req = NULL;
    e.req_len = UINT64_MAX;
    e.feedable = 0;
    if (log->n < log->cap) {
        log->e[log->n++] = e;
        log->pos = log->n;
    }
    fr__log("out of memory logging a nested call for its replay");
}

int fr__lt_orphaned(const struct fr_lt *lt)
{
    int depth = lt->depth < FR_FRAMES ? lt->depth : FR_FRAMES;

    for (int d = 0; d < depth; d++) {
        const struct fr_asker *a = &lt->askers[d];
        struct fr_region *rg;
        struct fr_region_hdr *h;
        int covered = 0;

        if (a->r < 0)
            continue;
        rg = &fr__rt.regions[a->r];
        h = rg->base;
        /* Dead: `gone` marks the end of this very incarnation (not that of
         * a predecessor, not yet cleared in every region: region.h), or a
         * later one is there. */
        uint32_t gone = atomic_load(&h->gone[!rg->side]);
        if ((!gone || gone - 1 != a->gen) && atomic_load(rg->peer_gen) == a->gen)
            continue;
        /* A call of ours to the asker, in flight below this frame, will be
         * replayed and fed this frame's work from its log: not orphaned. */
        for (int j = 0; j <= d && !covered; j++)
            covered = lt->calling[j] == a->r;
        if (!covered)
            return 1;
    }
    return 0;
}

/* What a logical thread keeps for one top-level call of restartable
 * callers' frames, at most: past it, calls are no longer logged (a replay
 * of a frame past the bound would repeat them; said once). */
#define QREC_MAX_BYTES ((uint64_t)64 << 20)

/* The log of what frame @parent of the restartable caller on region r made
 * this thread do (NULL: not logged).  Every frame of the thread's current
 * top-level call is kept: the thread runs one at a time, so a new one
 * means no replay can come back to the old.  The same frame again from the
 * caller's next incarnation (a replay) starts feeding. */
struct fr_nlog *fr__qrec_for(struct fr_lt *lt, int r, const struct fr_msg *m, uint32_t gen)
{
    struct fr_qrec *q;
    struct fr_qframe *f;

    if (!lt->qrec && !(lt->qrec = calloc((size_t)fr__rt.nregions, sizeof *lt->qrec)))
        return NULL;
    q = &lt->qrec[r];
    if (q->top != m->top) {
        for (unsigned i = 0; i < q->n; i++)
            fr__nlog_free(&q->f[i].log);
        q->n = 0;
        q->bytes = 0;
        q->top = m->top;
    }
    for (unsigned i = q->n; i-- > 0;) {
        f = &q->f[i];
        if (f->parent != m->parent)
            continue;
        if (f->gen != gen) {
            f->gen = gen;     /* its successor replays the frame */
            f->log.pos = 0;
            f->log.diverged = 0;
        }
        return &f->log;
    }
    if (q->bytes > QREC_MAX_BYTES) {
        static atomic_flag said = ATOMIC_FLAG_INIT;
        if (!atomic_flag_test_and_set(&said))
            fr__log("a top-level call made more than %llu MiB of calls from restartable FMPs "
                    "on one thread: those past it are not logged for a replay",
                    (unsigned long long)(QREC_MAX_BYTES >> 20));
        return NULL;
    }
    if (q->n == q->cap && room_for_one((void **)&q->f, &q->cap, sizeof *q->f) < 0)
        return NULL;
    f = &q->f[q->n++];
    *f = (struct fr_qframe){ m->parent, gen, { 0 } };
    q->bytes += m->len;
    return &f->log;
}

