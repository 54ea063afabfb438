/*
 * exchange.c - one call on one channel (exchange.h): send, wait for an
 * event, serve nested requests, take the reply; blame decided once.
 *
 * An attempt reads top to bottom as the protocol runs:
 *   send      the request's descriptors, then its message (a follower's
 *             record first); the incarnation it went to is kept;
 *   wait      for the next event (wait_event): the reply, a nested request
 *             on any slot of the thread, the peer gone, a peer broken, the
 *             deadline;
 *   nested    a request back into this FMP runs on this very thread
 *             (callee.c), logged or fed when the call may be replayed
 *             (nlog.h), and the wait goes on;
 *   take      the reply's header and fields checked against what this
 *             side asked; the fields stay in the thread's reply buffer for
 *             the stub to decode (call.c).
 * Invariant: an attempt returns with lt->depth as it found it, and with
 * lt->calling[x->level] == x->r (nested calls give their level back).
 */
#include "exchange.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "callee.h"
#include "channel.h"
#include "fault.h"
#include "fdpass.h"
#include "hook.h"
#include "meta.h"
#include "program.h"
#include "supervise.h"
#include "wire.h"

void fr__xchg_blame(const struct fr_lt *lt, int r, const char *why)
{
    fr__fault(fr__rt.regions[r].peer, lt->gen[r], why);
}

int fr__xchg_broken(struct fr_call *c, const char *what)
{
    char why[160];
    int r = c->peer >= 0 ? fr__rt.region_of_fmp[c->peer] : -1;

    if (c->err)
        return c->err;
    c->err = -EPROTO;
    if (r >= 0 && c->lt) {
        snprintf(why, sizeof why, "sent a malformed reply to %s(): %s",
                 fr__rt.app->functions[c->fn].name, what);
        fr__xchg_blame(c->lt, r, why);
    }
    return c->err;
}

/* The callee of the exchange broke the protocol: fail the call, stop it. */
static int broken(struct fr_xchg *x, const char *what)
{
    return fr__xchg_broken(x->c, what);
}

/* The callee did not do its part in time: stop it (a restartable one
 * comes back and the call is replayed). */
static int timed_out(struct fr_xchg *x, const char *what)
{
    char why[200];

    snprintf(why, sizeof why, "%s %s() within call_timeout_ms (%lld ms)", what,
             fr__rt.app->functions[x->c->fn].name,
             (long long)(fr__rt.call_timeout_ns / 1000000));
    fr__xchg_blame(x->lt, x->r, why);
    return x->c->err = -ETIMEDOUT;
}

uint32_t fr__xchg_peer_gen(int r)
{
    return atomic_load_explicit(fr__rt.regions[r].peer_gen, memory_order_acquire);
}

int fr__xchg_open(struct fr_xchg *x, struct fr_call *c, struct fr_lt *lt, int peer, int mode,
                  const struct fr__field *pre, struct fr_nlog *log)
{
    int r = fr__rt.region_of_fmp[peer];

    c->peer = peer;
    if (r < 0)
        return c->err = -ENOTCONN;
    *x = (struct fr_xchg){ .c = c, .lt = lt, .r = r, .mode = mode, .pre = pre, .log = log,
                           .level = lt->depth < FR_FRAMES ? lt->depth : FR_FRAMES - 1,
                           .deadline = -1 };
    x->was = lt->calling[x->level];
    lt->calling[x->level] = r;
    return 0;
}

void fr__xchg_place(struct fr_xchg *x)
{
    struct fr_lt *lt = x->lt;

    if (FR__UNLIKELY(lt->place_at == lt->depth + 1) && lt->place_kept) {
        x->parent = lt->kept_parent;   /* another member of the same call */
        x->nth = lt->kept_nth;
        return;
    }
    if (lt->depth > 0 && lt->depth <= FR_FRAMES) {
        const struct fr_frame_place *pl = &lt->place[lt->depth - 1];
        x->parent = fr__frame_id(pl->parent, pl->nth);
        x->nth = ++lt->nout[lt->depth - 1];
    } else {
        /* unique per FMP, thread and call, with no shared counter */
        uint64_t n = ++lt->ncalls;
        x->parent = (uint64_t)(fr__rt.self + 1) << 48 ^ (uint64_t)lt->id << 32 ^ n;
        if (lt->depth == 0)   /* a new call tree: the old one is done */
            lt->top = (uint32_t)n & (FR_TOP_INIT >> 1);   /* never FR_TOP_INIT */
    }
    if (FR__UNLIKELY(lt->place_at == lt->depth + 1)) {
        lt->kept_parent = x->parent;
        lt->kept_nth = x->nth;
        lt->place_kept = 1;
    }
}

void fr__xchg_retarget(struct fr_xchg *x, int peer)
{
    FR_ASSERTF(fr__rt.region_of_fmp[peer] >= 0, "retarget to FMP %d, which has no region", peer);
    x->c->peer = peer;
    x->r = fr__rt.region_of_fmp[peer];
    x->lt->calling[x->level] = x->r;
}

void fr__xchg_close(struct fr_xchg *x)
{
    /* nested calls gave the level back */
    FR_ASSERTF(x->lt->calling[x->level] == x->r, "depth %d calls region %d, want %d", x->level,
               x->lt->calling[x->level], x->r);
    x->lt->calling[x->level] = x->was;
}

static int send_fds(struct fr_xchg *x)
{
    uint32_t seq = fr__chan_req_seq(x->lt, x->r), idx = 0;
    const struct fr_call *c = x->c;

    for (unsigned i = 0; i < c->nfields; i++) {
        if (c->fields[i].kind != FR_W_FD && c->fields[i].kind != FR_W_FDONLY)
            continue;
        int rc = fr__fd_send(&fr__rt.regions[x->r], x->lt->id, seq, idx++, c->fields[i].fd);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* Send the request: 0, or the attempt's outcome. */
static int send_request(struct fr_xchg *x)
{
    struct fr_lt *lt = x->lt;
    int rc;

    fr__stdio_boundary();
    FR_FAULT_POINT(CALL_SEND);
    lt->req_parent = x->parent;   /* nested calls served meanwhile set their own */
    lt->req_nth = x->nth;
    lt->eno = x->c->eno;
    rc = send_fds(x);
    if (rc == 0)
        rc = fr__chan_send_after(lt, x->r, FR_MSG_REQ, x->c->fn, x->mode, x->pre, x->c->fields,
                                 x->c->nfields);
    x->gen = lt->gen[x->r];       /* the incarnation this attempt spoke to */
    if (rc == -ETIMEDOUT)
        return timed_out(x, "did not take the request");
    if (rc < 0)
        return x->c->err = rc;
    if (lt->depth > 0)
        FR_FAULT_POINT(NESTED_CALL);
    FR_FAULT_POINT(CALL_WAIT);
    if (fr__rt.call_timeout_ns > 0)
        x->deadline = fr__now_ns() + fr__rt.call_timeout_ns;
    else if (fr__replaying)
        x->deadline = fr__now_ns() + FR_REPLAY_TIMEOUT_NS;   /* the supervisor must not hang */
    return 0;
}

/* How often the root, replaying FR_INIT calls, looks whether the FMP it
 * replays into has died. */
#define REPLAY_LOOK_NS ((int64_t)20 * 1000000)

/* fr__chan_wait for the root's replay of FR_INIT calls: it runs on the
 * supervisor thread, the one that would see the new incarnation die (its
 * pidfd) and mark it gone, so it looks itself, in slices of the deadline:
 * -EPIPE once the process has ended. */
static int replay_wait(struct fr_xchg *x, int *got)
{
    for (;;) {
        int64_t slice = fr__now_ns() + REPLAY_LOOK_NS;
        int last = x->deadline >= 0 && x->deadline <= slice;
        int rc = fr__chan_wait(x->lt, x->r, last ? x->deadline : slice, got);
        if (rc != -ETIMEDOUT || last)
            return rc;
        if (fr__child_ended(fr__rt.regions[x->r].peer))
            return -EPIPE;
    }
}

/*
 * The next event of the exchange.  The one place the channel's answers
 * become blame: a stale or forged message is the fault of the peer whose
 * slot holds it, unless that peer is a new incarnation (then the one we
 * asked is simply gone).
 */
static enum fr_xev wait_event(struct fr_xchg *x, int *got)
{
    struct fr_lt *lt = x->lt;
    int rc;

    /* A nested call may have met the callee's new incarnation: then the
     * one this request went to is dead, and no reply will come. */
    if (lt->gen[x->r] != x->gen)
        return FR_XEV_GONE;
    rc = FR__UNLIKELY(fr__replaying) && fr__rt.self == 0 ? replay_wait(x, got)
                                                          : fr__chan_wait(lt, x->r, x->deadline, got);
    switch (rc) {
    case 0:
        return fr__chan_peek_kind(lt, *got) == FR_MSG_REQ ? FR_XEV_NESTED : FR_XEV_REPLY;
    case -ETIMEDOUT:
        return FR_XEV_TIMEOUT;
    case -EPIPE:
        return FR_XEV_GONE;
    case -EPROTO:
        if (*got == x->r && fr__chan_peer_moved(lt, x->r))
            return FR_XEV_GONE;
        if (*got == x->r)
            broken(x, "sent a stale or forged message");
        else
            fr__xchg_blame(lt, *got, "sent a stale or forged message");
        return FR_XEV_BROKEN;
    default:
        *got = rc;
        return FR_XEV_ERROR;
    }
}

/* A nested request on region @got: run it here.  0 to go on waiting, or
 * the attempt's outcome. */
static int serve_nested(struct fr_xchg *x, int got)
{
    struct fr_lt *lt = x->lt;
    struct fr_nlog *log = got == x->r ? x->log : NULL;
    int rc;

    FR_FAULT_POINT(NESTED_SERVE);
    rc = fr__serve_logged(lt, got, log);
    FR_FAULT_POINT(NESTED_DONE);
    if (FR__UNLIKELY(rc == -EXDEV) && log && log->diverged) {
        /* Exactly once: the replay strayed from what the call did before
         * the crash; it fails alone, and its FMP (running the replay
         * still) is stopped. */
        char why[300];
        snprintf(why, sizeof why, "replayed %s() after a crash, but %s (exactly once: "
                 "the call fails alone)", fr__rt.app->functions[x->c->fn].name, log->what);
        fr__xchg_blame(lt, x->r, why);
        return x->c->err = -EXDEV;
    }
    /* -EPIPE is no blame: the asker died while its request was being
     * taken (channel.c, torn), and the wait sees it gone next. */
    if (rc == -EPROTO || rc == -ENOMEM) {
        if (got == x->r)
            return broken(x, "a malformed nested request");
        fr__xchg_blame(lt, got, "sent a malformed nested request");
    }
    return 0;
}

/*
 * A reply that fails a check: the callee broke the protocol, unless it has
 * died or been replaced since it was taken (its slot reset under the
 * reader by the restart): then it is the wreck of the dead, the call is
 * replayable, and the new incarnation, innocent, is not blamed.
 */
static int wreck_or_broken(struct fr_xchg *x, const char *what)
{
    if (fr__chan_peer_moved(x->lt, x->r))
        return x->c->err = -EPIPE;
    return broken(x, what);
}

/* The reply is on the slot: take it.  The attempt's outcome. */
static int take_reply(struct fr_xchg *x)
{
    struct fr_lt *lt = x->lt;
    struct fr_call *c = x->c;
    struct fr_msg m;
    int rc;

    c->rseq = fr__chan_next_seq(lt, x->r);
    FR_FAULT_POINT(CALL_RECV);
    rc = fr__chan_recv(lt, x->r, &lt->rbuf, &lt->rcap, &m);
    if (rc == -ETIMEDOUT)
        return timed_out(x, "did not send the rest of its reply from");
    if (rc == -EPIPE)
        return c->err = -EPIPE;   /* died mid-reply (fr__chan_recv says): replayable */
    if (rc < 0 || (m.kind != FR_MSG_REP && m.kind != FR_MSG_ERR) || m.fn != c->fn)
        return wreck_or_broken(x, "a bad message header");
    if (m.kind == FR_MSG_ERR) {
        /* The next call opens the slot again: the callee's acceptor then
         * tries again to start this logical thread's worker. */
        if (m.status == -FR_ENOWORKER)
            lt->opened[x->r] = 0;
        /* A shadow hook of the callee failed it (hook.h): its errno. */
        int hrc;
        if (FR__UNLIKELY(fr__hook_status_decode(m.status, &hrc))) {
            c->hook_failed = 1;
            return c->err = hrc;
        }
        /* The callee refused the call (no such function here, out of
         * memory, a reply too large): its status, never positive. */
        return c->err = m.status < 0 && m.status > -4096 ? m.status : -EIO;
    }
    if (m.len && fr__wire_check(m.data, m.data + m.len) < 0)
        return wreck_or_broken(x, "a field runs past the end of the reply");
    c->rp = m.data;
    c->rend = m.data + m.len;
    c->eno_back = m.eno;
    /* the reply sits in the thread's reply buffer, where the stub reads it */
    FR_DEBUG_ASSERT(m.len == 0 || (m.data >= (unsigned char *)lt->rbuf &&
                                   m.data + m.len <= (unsigned char *)lt->rbuf + lt->rcap));
    FR_FAULT_POINT(CALL_DONE);
    return 0;
}

/* Debug tier: the thread's stack of calls in flight names regions only. */
static int calling_sane(const struct fr_lt *lt)
{
    for (int d = 0; d < FR_FRAMES; d++)
        if (lt->calling[d] < -1 || lt->calling[d] >= fr__rt.nregions)
            return 0;
    return 1;
}

int fr__xchg_attempt(struct fr_xchg *x)
{
    int depth = x->lt->depth, rc, got;

    FR_ASSERTF(x->lt->calling[x->level] == x->r, "an attempt at depth %d on region %d, but the "
               "thread's call in flight there is on region %d", x->level, x->r,
               x->lt->calling[x->level]);
    FR_DEBUG_ASSERT(calling_sane(x->lt));
    x->c->err = 0;
    if (FR__UNLIKELY(x->sent)) {
        /* fr__xchg_fast sent it, and passed CALL_WAIT when it went */
        x->sent = 0;
        rc = x->sent_rc < 0 ? (x->c->err = x->sent_rc) : 0;
    } else {
        rc = send_request(x);
    }
    while (rc == 0) {
        switch (wait_event(x, &got)) {
        case FR_XEV_NESTED:
            FR_ASSERTF(got >= 0 && got < fr__rt.nregions, "a nested request on region %d of %d",
                       got, fr__rt.nregions);
            rc = serve_nested(x, got);
            continue;
        case FR_XEV_REPLY:
            if (got == x->r) {
                rc = take_reply(x);
                goto out;
            }
            fr__xchg_blame(x->lt, got, "sent a reply nobody asked for");
            continue;
        case FR_XEV_GONE:
            rc = x->c->err = -EPIPE;
            goto out;
        case FR_XEV_TIMEOUT:
            rc = timed_out(x, "did not return from");
            break;
        case FR_XEV_BROKEN:
            rc = x->c->err = -EPROTO;
            break;
        case FR_XEV_ERROR:
            rc = x->c->err = got;
            break;
        }
    }
out:
    /* Our asker died: the work of this frame is for nobody. */
    if (rc == -EPIPE && depth > 0 && fr__lt_orphaned(x->lt)) {
        rc = x->c->err = -ECANCELED;
        if (depth <= FR_FRAMES)
            x->lt->cancelled[depth - 1] = 1;
    }
    FR_ASSERTF(x->lt->depth == depth, "depth %d after the exchange, %d before", x->lt->depth,
               depth);
    return rc;
}

int fr__xchg_fast(struct fr_xchg *x, struct fr_call *c, struct fr_lt *lt, int r)
{
    uint64_t total = c->nfields ? fr__wire_size(c->fields, c->nfields) : 0;
    struct fr_msg m;
    uint64_t parent, n;
    int rc;

    if (total > fr__rt.window || fr__meta_count() != 0)
        return 1;
    /* fr__xchg_place of a top-level call */
    n = ++lt->ncalls;
    parent = (uint64_t)(fr__rt.self + 1) << 48 ^ (uint64_t)lt->id << 32 ^ n;
    lt->top = (uint32_t)n & (FR_TOP_INIT >> 1);
    /* send_request */
    fr__stdio_boundary();
    FR_FAULT_POINT(CALL_SEND);
    lt->req_parent = parent;
    lt->req_nth = 0;
    lt->eno = c->eno;
    rc = fr__chan_send_req(lt, r, c->fn, c->fields, c->nfields, total);
    if (FR_LIKELY(rc == 0)) {
        FR_FAULT_POINT(CALL_WAIT);
        /* take_reply, for the common reply (CALL_RECV is passed inside) */
        c->rseq = fr__chan_next_seq(lt, r);
        if (FR_LIKELY(fr__chan_quick_reply(lt, r, c->fn, &m))) {
            c->rp = m.data;
            c->rend = m.data + m.len;
            c->eno_back = m.eno;
            FR_FAULT_POINT(CALL_DONE);
            return 0;
        }
    }
    /* fr__xchg_open's record, and the attempt as send_request leaves it;
     * the deadline counts from here, a spin after the send (the clock is
     * read only when the reply was not taken at once) */
    *x = (struct fr_xchg){ .c = c, .lt = lt, .r = r, .parent = parent, .level = 0,
                           .was = lt->calling[0], .gen = lt->gen[r], .deadline = -1,
                           .sent = 1, .sent_rc = rc };
    if (rc == 0 && fr__rt.call_timeout_ns > 0)
        x->deadline = fr__now_ns() + fr__rt.call_timeout_ns;
    lt->calling[0] = r;
    return 2;
}

void fr__xchg_serve_next(struct fr_lt *lt)
{
    int r, rc;

    rc = fr__chan_wait(lt, -1, -1, &r);
    if (rc == -EPROTO) {
        fr__xchg_blame(lt, r, "sent a stale or forged message");
        return;
    }
    if (rc < 0)
        return;
    FR_FAULT_POINT(BEFORE_REQUEST);
    lt->served = 1;
    rc = fr__serve(lt, r);
    if (rc == -ETIMEDOUT)
        fr__xchg_blame(lt, r, "did not take part of a long message within call_timeout_ms");
    else if (rc < 0 && rc != -EPIPE && rc != -EXDEV)   /* EXDEV: stopped already */
        fr__xchg_blame(lt, r, "sent a malformed request");
}
