/*
 * channel.c - the message protocol on one slot (the channel of one logical
 * thread between two FMPs).
 *
 * Invariants (asserted or checked where they are kept):
 *  - A logical thread runs in one FMP at a time, so on a slot the two
 *    directions strictly alternate: whoever holds the thread writes the one
 *    header and window, posts, and from then on only reads its own bell.
 *  - Each side counts messages privately (lt->last).  A message is taken
 *    only when the bell shows exactly the next number AND the header copied
 *    out of shared memory carries it; anything else on the bell is a stale
 *    or forged message: a fault of the peer.  A peer that dies mid-write
 *    never posted, so its half-written message is never read.
 *  - Post: write header and window, store-release the bell, full fence,
 *    then FUTEX_WAKE only if the receiver said it sleeps.  Sleep: set
 *    `sleeping`, full fence, re-read the bell, FUTEX_WAIT on the value seen.
 *    The two fences make it impossible for both to miss each other.
 *  - A message longer than the window goes in chunks: MORE after each ACK.
 */
#include <errno.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <time.h>

#include "fault.h"
#include "futex.h"
#include "channel.h"

#include "fdpass.h"
#include "meta.h"
#include "state.h"
#include "wire.h"

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#else
#define cpu_relax() atomic_signal_fence(memory_order_seq_cst)
#endif

/* Pauses fr__chan_wait spends on the awaited peer's bell alone: a few
 * microseconds, as long as the full look's own first stretch. */
#define QUICK_SPINS 64

int64_t fr__now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline uint32_t next_seq(uint32_t s)
{
    return (s & FR_BELL_SEQ) == FR_BELL_SEQ ? 1 : (s & FR_BELL_SEQ) + 1;
}

uint32_t fr__chan_next_seq(const struct fr_lt *lt, int r)
{
    return next_seq(lt->last[r]);
}

static inline int sync_gen(struct fr_lt *lt, int r);

uint64_t fr__chan_served_by(int k)
{
    const struct fr_geom *g = &fr__rt.geom;
    uint64_t sum = 0;

    for (int p = 0; p < fr__rt.npairs; p++) {
        const struct fr_pairmap *pm = &fr__rt.pairs[p];
        if (pm->a != k && pm->b != k)
            continue;
        int side = pm->a == k ? 0 : 1;
        /* a slot never opened was never served on (and stays unallocated) */
        for (uint32_t i = 0; i < g->nslots; i++) {
            uint64_t bit = (uint64_t)1 << (i % 64);
            if (!(atomic_load(&fr__region_open(pm->base, g, 0)[i / 64]) & bit) &&
                !(atomic_load(&fr__region_open(pm->base, g, 1)[i / 64]) & bit))
                continue;
            sum += atomic_load_explicit(&fr__slot(pm->base, g, i)->served[!side].n,
                                        memory_order_relaxed);
        }
    }
    return sum;
}

/* The seq the next request on this slot will carry, for the descriptors
 * sent ahead of it: toward a restarted peer counting starts afresh, as the
 * request itself will (fr__chan_send), so that the new incarnation finds
 * them under the seq it expects. */
uint32_t fr__chan_req_seq(struct fr_lt *lt, int r)
{
    sync_gen(lt, r);
    return next_seq(lt->last[r]);
}

static inline struct fr_slot *slot_of(struct fr_lt *lt, int r)
{
    return lt->slot[r];
}

static int await_step(struct fr_lt *lt, int r, uint16_t kind, struct fr_msg_hdr *h);

/* Set on the thread that replays FR_INIT calls into a restarting FMP: it
 * may speak to the FMP before the others are let in. */
__thread int fr__replaying;

/* The process-wide half of a move to a peer's new incarnation: a restarted
 * peer is trusted again, and descriptors its predecessor sent are dropped. */
static void region_sync(int r, uint32_t g)
{
    struct fr_region *rg = &fr__rt.regions[r];

    pthread_mutex_lock(&rg->gen_lock);
    if (rg->gen_seen != g) {
        fr__fd_drop_pending(rg);
        atomic_store(&rg->failed, 0);
        rg->gen_seen = g;
    }
    pthread_mutex_unlock(&rg->gen_lock);
}

/* The root zeroed this slot when it restarted the peer: start counting
 * afresh the first time this logical thread looks at it again. */
static inline int sync_gen(struct fr_lt *lt, int r)
{
    uint32_t g = atomic_load_explicit(fr__rt.regions[r].peer_gen, memory_order_acquire);

    if (FR_LIKELY(g == lt->gen[r]))
        return 0;
    region_sync(r, g);
    lt->gen[r] = g;
    lt->last[r] = lt->seen[r] = 0;
    lt->opened[r] = 0;
    return 1;
}

/* Make the peer's acceptor aware of this slot before its first message. */
static void open_toward(struct fr_lt *lt, int r)
{
    struct fr_region *rg = &fr__rt.regions[r];
    struct fr_region_hdr *h = rg->base;
    int peer_side = !rg->side;

    atomic_fetch_or(&fr__region_open(rg->base, &fr__rt.geom, peer_side)[lt->id / 64],
                    (uint64_t)1 << (lt->id % 64));
    atomic_fetch_add(&h->accept[peer_side].bell, 1);
    fr__futex_wake(&h->accept[peer_side].bell, 1);
    lt->opened[r] = 1;
}

static void post(struct fr_slot *s, int to_side, uint32_t seq)
{
    struct fr_bell *b = &s->to[to_side];

    atomic_store_explicit(&b->bell, seq, memory_order_release);
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&b->sleeping, memory_order_relaxed))
        fr__futex_wake(&b->bell, 1);
}

/* The header of a message of @kind from lt on region r, but its chunk. */
static inline void fill_hdr(struct fr_msg_hdr *h, struct fr_lt *lt, int r, struct fr_slot *s,
                            uint16_t kind, uint32_t fn, int32_t status, uint64_t total,
                            uint32_t seq)
{
    h->seq = seq;
    h->kind = kind;
    /* the callbacks of the point it leaves at run first (meta.h) */
    h->nmeta = (uint16_t)fr__meta_send(s->meta,
                                       kind == FR_MSG_REQ ? FR_META_CALL_OUT : FR_META_REPLY_OUT,
                                       fn);
    h->fn = fn;
    h->status = status;
    h->total = total;
    h->gen = lt->gen[r];
    h->eno = lt->eno;
    if (kind == FR_MSG_REQ) {
        h->parent = lt->req_parent;
        h->nth = lt->req_nth;
        h->top = lt->top;
        h->caller = (uint32_t)fr__cur_module;
    } else {
        h->parent = 0;
        h->nth = h->top = 0;
        h->caller = 0;
    }
}

/* A message longer than the window (its header @h ready but for the
 * chunk): chunk after chunk, each taken (ACK) before the next (MORE). */
static __attribute__((noinline)) int send_chunked(struct fr_lt *lt, int r, struct fr_msg_hdr *h,
                                                  const struct fr__field *f, unsigned n)
{
    struct fr_region *rg = &fr__rt.regions[r];
    struct fr_slot *s = slot_of(lt, r);
    unsigned char *win = fr__slot_window(s);
    struct fr_wire_enc enc = { 0, 0 };
    uint64_t sent = 0;
    uint16_t kind = h->kind;  /* the message's: the chunks after the first are MORE */
    int rc;

    for (;;) {
        uint64_t chunk = fr__wire_fill(f, n, &enc, win, fr__rt.window);
        h->seq = next_seq(lt->last[r]);
        h->chunk = (uint32_t)chunk;   /* <= the window, which start.c keeps below 4 GiB */
        memcpy(&s->to[!rg->side].hdr, h, sizeof *h);
        lt->last[r] = h->seq;
        post(s, !rg->side, h->seq);
        sent += chunk;
        if (sent >= h->total)
            return 0;
        if (kind == FR_MSG_REP)
            FR_FAULT_POINT(REPLY_CHUNK);
        else
            FR_FAULT_POINT(SEND_CHUNK);
        /* Wait for the receiver to take this chunk. */
        struct fr_msg_hdr ack;
        rc = await_step(lt, r, FR_MSG_ACK, &ack);
        if (rc < 0)
            return rc;
        h->kind = FR_MSG_MORE;
        h->nmeta = 0;
    }
}

/* fr__chan_send of a message of @total bytes (its fr__wire_size). */
static inline __attribute__((always_inline)) int send_sized(struct fr_lt *lt, int r,
                                                            uint16_t kind, uint32_t fn,
                                                            int32_t status,
                                                            const struct fr__field *f,
                                                            unsigned n, uint64_t total)
{
    struct fr_region *rg = &fr__rt.regions[r];
    struct fr_slot *s = slot_of(lt, r);
    unsigned char *win = fr__slot_window(s);
    struct fr_wire_enc enc = { 0, 0 };

    if (total > fr__rt.max_payload)
        return -EMSGSIZE;
    /* Only a request may open an exchange with a new incarnation: anything
     * else answers its predecessor, who is gone. */
    if (sync_gen(lt, r) && kind != FR_MSG_REQ)
        return -EPIPE;
    /* `gone` keeps requests from a dead peer.  A reply goes unless a call
     * of ours to the asker is unanswered (then the asker is the one that
     * died): the root clears a restarted FMP's `gone` one region after the
     * other (restart.c, set_side), so a new incarnation may call us
     * through a region still marked while its own is clear, and its
     * answer must reach it. */
    int gone = !fr__replaying && atomic_load(fr__peer_gone(r));
    if (atomic_load(&rg->failed) ||
        (gone && (kind == FR_MSG_REQ || lt->last[r] != lt->seen[r])))
        return -EPIPE;
    if (!lt->opened[r])
        open_toward(lt, r);
    /* A reply answers the last message on the slot, the peer's: nested
     * calls made meanwhile over this slot all came back, or failed with
     * the peer (above).  (A request may follow our own reply: the thread
     * came back by another region.) */
    FR_ASSERT(kind == FR_MSG_REQ || lt->last[r] == lt->seen[r]);

    /* A long message's header is kept aside (each chunk sends it again),
     * the common one too, until it is complete: this side owns the
     * direction until it posts, and the peer reads it only after the bell
     * (and copies it once before it looks at it). */
    uint32_t seq = next_seq(lt->last[r]);
    if (FR__UNLIKELY(total > fr__rt.window)) {
        struct fr_msg_hdr whole;
        fill_hdr(&whole, lt, r, s, kind, fn, status, total, seq);
        return send_chunked(lt, r, &whole, f, n);
    }
    struct fr_msg_hdr h;
    fill_hdr(&h, lt, r, s, kind, fn, status, total, seq);
    h.chunk = (uint32_t)(total ? fr__wire_fill(f, n, &enc, win, total) : 0);
    /* The header is written in one burst, right before the bell: the peer
     * spins on this line, and each read of it between our stores would
     * take the line back, to be fetched again for the next store. */
    memcpy(&s->to[!rg->side].hdr, &h, sizeof h);
    /* never read back what the peer can write: seq is ours */
    lt->last[r] = seq;
    post(s, !rg->side, seq);
    return 0;
}

int fr__chan_send(struct fr_lt *lt, int r, uint16_t kind, uint32_t fn,
                  int32_t status, const struct fr__field *f, unsigned n)
{
    return send_sized(lt, r, kind, fn, status, f, n, fr__wire_size(f, n));
}

int fr__chan_send_req(struct fr_lt *lt, int r, uint32_t fn, const struct fr__field *f,
                      unsigned n, uint64_t total)
{
    return send_sized(lt, r, FR_MSG_REQ, fn, 0, f, n, total);
}

/* Inlined where a callee replies (callee.c, with LTO): the reply goes out
 * on the callee's critical path, and its kind known here drops the tests
 * a request or an error would need. */
__attribute__((always_inline)) inline int fr__chan_send_rep(struct fr_lt *lt, int r, uint32_t fn,
                                                            const struct fr__field *f,
                                                            unsigned n)
{
    return send_sized(lt, r, FR_MSG_REP, fn, 0, f, n, n ? fr__wire_size(f, n) : 0);
}

/*
 * The quick half of fr__chan_wait and fr__chan_recv for the reply to the
 * request of lt just sent on region r (exchange.c, fr__xchg_fast): the
 * peer's bell alone watched for QUICK_SPINS pauses, as the wait's quick
 * spin does, and the reply taken only when it is the common one: the very
 * next message, of this peer's incarnation, posted to ours (not stale),
 * a REP to @fn, one chunk, no metadata, room for it in lt->rbuf, its
 * fields well formed in the private copy.  The checks are those of look(),
 * fr__chan_recv and take_reply, in one pass.  Anything else, or nothing
 * yet, is left on the slot untaken for the full wait to judge (0); the
 * reply buffer may have been written.  1: taken, *m set (data in lt->rbuf).
 */
int fr__chan_quick_reply(struct fr_lt *lt, int r, uint32_t fn, struct fr_msg *m)
{
    struct fr_region *rg = &fr__rt.regions[r];
    struct fr_slot *s = slot_of(lt, r);
    struct fr_bell *b = &s->to[rg->side];
    uint32_t old = lt->seen[r], seq = next_seq(lt->last[r]), w;
    struct fr_msg_hdr h;

    for (unsigned q = 0; (w = atomic_load_explicit(&b->bell, memory_order_acquire)) == old;
         q++) {
        if (q == QUICK_SPINS || fr__rt.nospin)
            return 0;
        cpu_relax();
    }
    if ((w & FR_BELL_SEQ) != seq || seq == old ||
        atomic_load_explicit(rg->peer_gen, memory_order_acquire) != lt->gen[r] ||
        atomic_load_explicit(&rg->failed, memory_order_relaxed))
        return 0;
    memcpy(&h, &b->hdr, sizeof h);   /* read once: the peer may scribble */
    if (h.seq != seq || h.kind != FR_MSG_REP || h.fn != fn || h.nmeta != 0 ||
        h.chunk != h.total || h.total > fr__rt.window || h.total > fr__rt.max_payload ||
        h.total > lt->rcap || !lt->rbuf ||
        h.gen != atomic_load_explicit(&((struct fr_region_hdr *)rg->base)->gen[rg->side],
                                      memory_order_relaxed))
        return 0;
    if (h.total) {
        memcpy(lt->rbuf, fr__slot_window(s), h.total);
        if (fr__wire_check(lt->rbuf, (unsigned char *)lt->rbuf + h.total) < 0)
            return 0;
    }
    /* the reply is there, not yet taken: exchange.c's point, at its place */
    FR_FAULT_POINT(CALL_RECV);
    lt->last[r] = lt->seen[r] = seq;
    m->kind = FR_MSG_REP;
    m->fn = fn;
    m->status = h.status;
    m->eno = h.eno;
    m->data = lt->rbuf;
    m->len = h.total;
    return 1;
}

/*
 * The callee's half of the common exchange (callee.c, serve_quick): the
 * request fr__chan_wait found on lt's slot of region r, if it is the
 * common one -- the very next message, a REQ of status 0 in one chunk with
 * no metadata -- its header copied out once into *h (the peer may
 * scribble) and nothing taken: 1, or 0 and the message left for
 * fr__chan_recv to judge.  fr__chan_take_req takes it.
 */
__attribute__((always_inline)) inline int fr__chan_peek_req(struct fr_lt *lt, int r,
                                                            struct fr_msg_hdr *h)
{
    memcpy(h, &slot_of(lt, r)->to[fr__rt.regions[r].side].hdr, sizeof *h);
    return h->seq == next_seq(lt->last[r]) && h->kind == FR_MSG_REQ && h->status == 0 &&
           h->nmeta == 0 && h->chunk == h->total && h->total <= fr__rt.window &&
           h->total <= fr__rt.max_payload;
}

/* Take the request of header @h that fr__chan_peek_req found, its payload
 * into *buf (of *cap bytes, grown as fr__chan_recv grows it): 0, or
 * -ENOMEM with nothing taken. */
__attribute__((always_inline)) inline int fr__chan_take_req(struct fr_lt *lt, int r,
                                                            const struct fr_msg_hdr *h,
                                                            void **buf, size_t *cap)
{
    if (h->total && fr__chan_reserve(buf, cap, h->total) < 0)
        return -ENOMEM;
    lt->last[r] = lt->seen[r] = h->seq;
    if (h->total)
        memcpy(*buf, fr__slot_window(slot_of(lt, r)), h->total);
    return 0;
}

int fr__chan_send_pre(struct fr_lt *lt, int r, uint16_t kind, uint32_t fn, int32_t status,
                      const struct fr__field *pre, const struct fr__field *f, unsigned n)
{
    struct fr__field *all = malloc((n + 1) * sizeof *all);
    int rc;

    if (!all)
        return -ENOMEM;
    all[0] = *pre;
    memcpy(all + 1, f, n * sizeof *all);
    rc = fr__chan_send(lt, r, kind, fn, status, all, n + 1);
    free(all);
    return rc;
}

/* A message on region r that fails a check: the peer broke the protocol
 * (-EPROTO), unless it died or was replaced while it was being taken (the
 * root reset its slot under the reader): then it is gone (-EPIPE), and the
 * innocent successor is not blamed.  Cold: only failed checks come here. */
static __attribute__((cold, noinline)) int torn(struct fr_lt *lt, int r)
{
    return fr__chan_peer_moved(lt, r) ? -EPIPE : -EPROTO;
}

/* During a chunked transfer only the peer of region r may speak: wait for
 * its next message, which must be of @kind, and take its header. */
static int await_step(struct fr_lt *lt, int r, uint16_t kind, struct fr_msg_hdr *h)
{
    struct fr_slot *s = slot_of(lt, r);
    int rc, got;
    /* Each step of a long transfer has the whole call_timeout_ms: a peer
     * stopped mid-transfer (SIGSTOP, a debugger) must not hang us. */
    int64_t deadline = fr__rt.call_timeout_ns > 0 ? fr__now_ns() + fr__rt.call_timeout_ns
                       : fr__replaying            ? fr__now_ns() + FR_REPLAY_TIMEOUT_NS
                                                  : -1;

    rc = fr__chan_wait(lt, r, deadline, &got);
    if (rc < 0)
        return rc;
    if (got != r)
        return -EPROTO;
    memcpy(h, &s->to[fr__rt.regions[r].side].hdr, sizeof *h);
    if (h->seq != next_seq(lt->last[r]) || h->kind != kind)
        return torn(lt, r);
    lt->last[r] = lt->seen[r] = h->seq;
    return 0;
}

/* The kind of the message waiting on region r, unchecked: only a hint of
 * what to do next; fr__chan_recv checks it again. */
int fr__chan_peek_kind(struct fr_lt *lt, int r)
{
    struct fr_bell *b = &slot_of(lt, r)->to[fr__rt.regions[r].side];
    uint16_t kind;

    memcpy(&kind, (const char *)&b->hdr + offsetof(struct fr_msg_hdr, kind), sizeof kind);
    return kind;
}

/* Whether the incarnation of the peer of region r that lt speaks to has
 * ended.  A child reads `gone` from the header, which the root clears after
 * a restart one region after the other: while it still shows the end of a
 * predecessor (the incarnation it names, region.h), the new incarnation may
 * already ask us through another region, and its request, or our reply, is
 * in flight here. */
static int peer_gone(const struct fr_lt *lt, int r)
{
    struct fr_region *rg = &fr__rt.regions[r];
    uint32_t gone;

    if (atomic_load(&rg->failed))
        return 1;
    if (fr__replaying || !(gone = atomic_load(fr__peer_gone(r))))
        return 0;
    return fr__rt.self == 0 || gone - 1 == lt->gen[r];
}

/*
 * Whether the peer of region r died or was restarted since lt last looked.
 * The root marks a death (`gone`) before it zeroes the slots, and clears it
 * only after bumping the incarnation, so a header or bell that looks wrong
 * while either is true is the wreck of a dead peer, not a forgery: the call
 * is replayed, and nobody is blamed.
 */
int fr__chan_peer_moved(struct fr_lt *lt, int r)
{
    return atomic_load(fr__peer_gone(r)) ||
           atomic_load_explicit(fr__rt.regions[r].peer_gen, memory_order_acquire) != lt->gen[r];
}

/*
 * A message posted for an earlier incarnation of this FMP: a surviving
 * peer wrote it after the root zeroed the slot for a restart (it checked
 * for the death just before).  Not a forgery: it is cleared, unless the
 * peer has posted again meanwhile, and not taken.
 */
static int stale(struct fr_slot *s, int r, uint32_t w)
{
    struct fr_region *rg = &fr__rt.regions[r];
    struct fr_region_hdr *h = rg->base;
    struct fr_bell *b = &s->to[rg->side];
    uint32_t stamped;

    memcpy(&stamped, (const char *)&b->hdr + offsetof(struct fr_msg_hdr, gen), sizeof stamped);
    if (FR_LIKELY(stamped == atomic_load_explicit(&h->gen[rg->side], memory_order_relaxed)))
        return 0;
    atomic_compare_exchange_strong(&b->bell, &w, 0);
    return 1;
}

/* A message is waiting on region r for lt: classify the bell word. */
enum bell_state { BELL_NONE, BELL_MSG, BELL_GONE, BELL_BAD };

static inline enum bell_state bell_state(struct fr_lt *lt, int r, uint32_t w)
{
    uint32_t seq = w & FR_BELL_SEQ;

    if (seq == next_seq(lt->last[r]) && seq != lt->seen[r])
        return BELL_MSG;
    if (w & FR_BELL_GONE)
        return BELL_GONE;
    if (seq == lt->seen[r])
        return BELL_NONE;
    return BELL_BAD;
}

/* lt's bell on region r: where the peer posts to this side. */
static inline _Atomic uint32_t *bell_of(struct fr_lt *lt, int r)
{
    return &slot_of(lt, r)->to[fr__rt.regions[r].side].bell;
}

/* One look at region r for lt: 1 a message to take, 0 nothing, or a
 * negative errno that ends the wait (the region is in *got for EPROTO). */
static inline __attribute__((always_inline)) int look(struct fr_lt *lt, int r, int want,
                                                      int *got)
{
    struct fr_region *rg = &fr__rt.regions[r];
    struct fr_slot *s;

    /* A new incarnation of the peer we wait for never got our message,
     * however fast it came back: the call failed. */
    if (FR__UNLIKELY(atomic_load_explicit(rg->peer_gen, memory_order_acquire) != lt->gen[r]) &&
        sync_gen(lt, r) && r == want)
        return -EPIPE;
    uint32_t w = atomic_load_explicit(bell_of(lt, r), memory_order_acquire);
    /* A peer that broke the protocol is not listened to again. */
    if (FR__UNLIKELY(atomic_load_explicit(&rg->failed, memory_order_relaxed)))
        return 0;
    switch (bell_state(lt, r, w)) {
    case BELL_MSG:
        s = slot_of(lt, r);
        if (stale(s, r, w))
            return 0;
        *got = r;
        return 1;
    case BELL_GONE:
        return r == want ? -EPIPE : 0;
    case BELL_BAD:
        /* zeroed by a restart, or half-written by the dead */
        s = slot_of(lt, r);
        if (stale(s, r, w))
            return 0;
        if (fr__chan_peer_moved(lt, r))
            return r == want ? -EPIPE : 0;
        if (r == want || want < 0) {
            *got = r;
            return -EPROTO;
        }
        return 0;
    case BELL_NONE:
        break;
    }
    return 0;
}

/*
 * Sleep until a bell of lt (or, with @want, its peer's incarnation word)
 * moves, or @left ns pass (-1: no limit).  The words are gathered here,
 * off the path of a call that finds its message while it spins.
 *
 * Announce, fence, then read the words and look once more: a post that
 * came before the fence is seen by that look (and there is no sleep), one
 * that comes after it sees `sleeping` and wakes the futex, which sleeps
 * only while the words still hold what was read.  The look's answer is the
 * wait's (what look() returns, *got set): it may have consumed its event
 * (a move to the peer's new incarnation is seen once, sync_gen), so it is
 * returned, never looked for again.  0 after a sleep.
 */
static int sleep_on(struct fr_lt *lt, int want, int64_t left, int *got)
{
    int n = fr__rt.nregions, nw = n, rc = 0;
    _Atomic uint32_t *words[n + 1];
    uint32_t vals[n + 1];

    /* Without futex_waitv (an old kernel, Valgrind) only words[0] is slept
     * on, in 1 ms naps (futex.c): the bell of the peer we wait for goes
     * there, so that its reply wakes us at once and only the rest wait
     * for the nap's end. */
    for (int r = 0; r < n; r++) {
        int k = want < 0 ? r : r == 0 ? want : r == want ? 0 : r;
        words[k] = bell_of(lt, r);
        atomic_store_explicit(&((struct fr_bell *)words[k])->sleeping, 1, memory_order_relaxed);
    }
    /* The peer we wait for: its incarnation word too.  Its death and
     * restart take our bell from 0 to GONE and back to 0 (restart.c,
     * reset_channels), and both wakes may come between the look below and
     * the wait, which would then sleep for ever on a bell that reads as
     * before; the restart's bump of the incarnation, after the zeroing, is
     * never undone. */
    if (want >= 0)
        words[nw++] = fr__rt.regions[want].peer_gen;
    atomic_thread_fence(memory_order_seq_cst);
    for (int k = 0; k < nw; k++)
        vals[k] = atomic_load_explicit(words[k], memory_order_acquire);
    if (want >= 0 && peer_gone(lt, want))
        rc = -EPIPE;
    for (int r = 0; r < n && rc == 0; r++)
        rc = look(lt, r, want, got);
    if (rc == 0)
        fr__futex_wait_any(words, vals, (unsigned)nw, left);
    for (int r = 0; r < n; r++)
        atomic_store_explicit(&((struct fr_bell *)words[r])->sleeping, 0, memory_order_relaxed);
    return rc;
}

void fr__chan_pace(unsigned spin_us)
{
    fr__rt.nospin = fr__futex_under_valgrind();
    fr__rt.spin_us = fr__rt.nospin ? 0 : spin_us;
    fr__rt.serve_spin_us = fr__rt.spin_us;
}

/* Whether the peer of region r runs under Valgrind (region.h, `slow`). */
static int peer_slow(int r)
{
    const struct fr_region *rg = &fr__rt.regions[r];

    return atomic_load_explicit(&((struct fr_region_hdr *)rg->base)->slow[!rg->side],
                                memory_order_relaxed) != 0;
}

/*
 * Wait until a message for lt is on one of its slots.  @want is the region
 * whose peer we expect to hear from (its death or misbehaviour ends the
 * wait with an error), or -1 for an idle worker.  On success *got is the
 * region that holds a message.
 */
int fr__chan_wait(struct fr_lt *lt, int want, int64_t deadline_ns, int *got)
{
    int n = fr__rt.nregions, rc;
    int64_t spin_end = -1;    /* read the clock only once the quick spin is over */
    unsigned iter = 0;

    /* The peer we wait for answers within a round trip: watch its bell
     * alone first, as a raw ping-pong does, while it still shows the last
     * message taken from it (anything else goes to the full look below at
     * once).  The look over every region costs the detection a little per
     * region; requests from other regions and a death wait at most
     * QUICK_SPINS pauses for it. */
    if (want >= 0 && !fr__rt.nospin) {
        _Atomic uint32_t *b = bell_of(lt, want);
        uint32_t old = atomic_load_explicit(b, memory_order_relaxed);
        if (old == lt->seen[want])
            for (unsigned q = 0;
                 q < QUICK_SPINS && atomic_load_explicit(b, memory_order_relaxed) == old; q++)
                cpu_relax();
    }
    for (;;) {
        /* `want` first (it is the likely one), then the others */
        if (want >= 0 && (rc = look(lt, want, want, got)) != 0)
            return rc < 0 ? rc : 0;
        for (int r = 0; r < n; r++)
            if (r != want && (rc = look(lt, r, want, got)) != 0)
                return rc < 0 ? rc : 0;
        /* Under Valgrind one look, then the sleep (fr__chan_pace). */
        if ((++iter & 63) != 0 && !fr__rt.nospin) {
            cpu_relax();
            continue;
        }
        /* Every 64 looks: has the peer gone (or been stopped)? */
        if (want >= 0 && peer_gone(lt, want))
            return -EPIPE;
        int64_t now = fr__now_ns();
        if (spin_end < 0)
            /* An idle worker spins for the next call only once it has
             * served one: a spare's workers, all released by GO, would
             * otherwise take the cores from the calls being replayed. */
            /* Nor is there a spin for a peer under Valgrind: its answer
             * takes hundreds of microseconds, and a core spinning for it
             * is one core fewer for the rest of the program and for it. */
            spin_end = now + (int64_t)(want >= 0 ? (peer_slow(want) ? 0 : fr__rt.spin_us)
                                       : lt->served ? fr__rt.serve_spin_us : 0) * 1000;
        if (now < spin_end) {
            /* Past the first microseconds, give the core away now and then:
             * when the peer waits for this very core, spinning only delays
             * it (two cores, and often more runnable threads than that). */
            if (iter > 128)
                sched_yield();
            continue;
        }

        /* Sleep: announce it, then re-check (see the invariants above). */
        int64_t left = -1;
        if (deadline_ns >= 0) {
            left = deadline_ns - now;
            if (left <= 0)
                return -ETIMEDOUT;
        }
        if ((rc = sleep_on(lt, want, left, got)) != 0)
            return rc < 0 ? rc : 0;
        spin_end = -1;
        iter = 0;
    }
}

/* channel.h: a take's buffer made room for @need bytes. */
int fr__chan_reserve(void **buf, size_t *cap, uint64_t need)
{
    if (*buf && *cap >= need)
        return 0;
    size_t want = need > 256 ? need : 256;
    void *nb = realloc(*buf, want);
    if (!nb)
        return -ENOMEM;
    *buf = nb;
    *cap = want;
    return 0;
}

/*
 * Take the message that fr__chan_wait found on region r.  The payload is
 * copied into private memory: into *buf, a malloc()ed buffer of *cap bytes
 * that grows as needed (the caller owns it and keeps it for the next
 * message).
 */
/* The rest of fr__chan_recv for a message that does not go the common
 * way: a buffer to grow, metadata to adopt, more chunks to take. */
static __attribute__((noinline)) int recv_rest(struct fr_lt *lt, int r, void **bufp,
                                               size_t *cap, struct fr_msg *m,
                                               const struct fr_msg_hdr *hp)
{
    struct fr_region *rg = &fr__rt.regions[r];
    struct fr_slot *s = slot_of(lt, r);
    const unsigned char *win = fr__slot_window(s);
    struct fr_msg_hdr h = *hp;
    unsigned char *buf;
    uint64_t got;
    int drop = 0;

    /* No room for it (a memory limit): the message is still taken off
     * the slot, chunk by chunk, so that the receiver may answer that it
     * could not take it instead of leaving the sender waiting. */
    if (fr__chan_reserve(bufp, cap, h.total) < 0)
        drop = 1;
    buf = *bufp;
    if (!drop && h.chunk)     /* a null call's reply: no libc call for nothing */
        memcpy(buf, win, h.chunk);
    got = h.chunk;
    if (h.nmeta || fr__meta_count()) {
        struct fr_meta_ent meta[FR_META_MAX];
        memcpy(meta, s->meta, h.nmeta * sizeof meta[0]);
        fr__meta_recv(meta, h.nmeta, h.kind == FR_MSG_REQ ? FR_META_CALL_IN : FR_META_REPLY_IN,
                      h.fn);
    }

    while (got < h.total) {
        struct fr_msg_hdr ack, more;
        int rc;

        memset(&ack, 0, sizeof ack);
        ack.kind = FR_MSG_ACK;
        ack.seq = next_seq(lt->last[r]);
        ack.gen = lt->gen[r];
        memcpy(&s->to[!rg->side].hdr, &ack, sizeof ack);
        lt->last[r] = ack.seq;
        post(s, !rg->side, ack.seq);
        rc = await_step(lt, r, FR_MSG_MORE, &more);
        if (rc < 0)
            return rc;
        if (more.total != h.total || more.chunk > fr__rt.window ||
            more.chunk > h.total - got || more.chunk == 0)
            return torn(lt, r);
        if (!drop)
            memcpy(buf + got, win, more.chunk);
        got += more.chunk;
        FR_FAULT_POINT(RECV_CHUNK);
    }
    m->data = drop ? NULL : buf;
    return drop ? -ENOMEM : 0;
}

/* Inlined where it is called (with LTO): a callee takes every request
 * through it, on its critical path; recv_rest stays out of line. */
__attribute__((always_inline)) inline int fr__chan_recv(struct fr_lt *lt, int r, void **bufp,
                                                        size_t *cap, struct fr_msg *m)
{
    struct fr_slot *s = slot_of(lt, r);
    struct fr_msg_hdr h;

    memcpy(&h, &s->to[fr__rt.regions[r].side].hdr, sizeof h);   /* read once: the peer may scribble */
    if (h.seq != next_seq(lt->last[r]) ||
        (h.kind != FR_MSG_REQ && h.kind != FR_MSG_REP && h.kind != FR_MSG_ERR) ||
        h.total > fr__rt.max_payload || h.chunk > fr__rt.window ||
        h.chunk > h.total || (h.chunk < h.total && h.chunk != fr__rt.window) ||
        h.nmeta > FR_META_MAX)
        return torn(lt, r);
    lt->last[r] = lt->seen[r] = h.seq;
    m->kind = h.kind;
    m->fn = h.fn;
    m->status = h.status;
    m->parent = h.parent;
    m->nth = h.nth;
    m->top = h.top;
    m->eno = h.eno;
    m->caller = h.caller;
    m->len = h.total;
    /* The common message: one chunk, no metadata either way, room for it. */
    if (FR__UNLIKELY(h.chunk != h.total || h.nmeta || fr__meta_count() || *cap < h.total ||
                     !*bufp))
        return recv_rest(lt, r, bufp, cap, m, &h);
    m->data = *bufp;
    if (h.chunk)
        memcpy(*bufp, fr__slot_window(s), h.chunk);
    return 0;
}
