/*
 * test_channel.c - the channel protocol between two real processes sharing
 * one memfd region: small and chunked messages, the futex sleep path, and
 * everything that must NOT be taken as a message (a stale or forged bell,
 * a header written but never posted, a peer that is gone), a restarted
 * peer heard while `gone` still shows its predecessor's end, a sleeper
 * woken by a restart that left its bell as it was, and the fast path's
 * take of a reply (fr__chan_quick_reply), which leaves all but the common
 * reply untaken, and its callee's half (fr__chan_peek_req / take_req); a
 * peer that dies while its message is taken is gone, not a forger.
 *
 * The parent is FMP 0, a forked child FMP 1; each sets up its own view of
 * the runtime (fr__rt) the way start.c and child.c do.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <talloc.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "futex.h"
#include "state.h"
#include "channel.h"
#include "lthread.h"
#include "wire.h"

static const struct fr_module mods[] = { { "main", 0 }, { "peer", 0 } };
static const struct fr_app app = { FR_ABI_VERSION, "test", mods, 2, NULL, 0, NULL, 0, NULL };

static int memfd, socks[2];
static struct fr_region region;
static struct fr_fmp fmps[2];
static int fmp_of_module[2] = { 0, 1 };
static int region_of_fmp[2];
static struct fr_lt *lts[16];
static uint64_t ids[1];

static void view(int self, uint64_t channel_bytes, unsigned spin_us)
{
    fr__rt.app = &app;
    fr__rt.self = self;
    fr__rt.nfmps = 2;
    fr__rt.fmps = fmps;
    snprintf(fmps[0].name, sizeof fmps[0].name, "zero");
    snprintf(fmps[1].name, sizeof fmps[1].name, "one");
    fr__rt.fmp_of_module = fmp_of_module;
    fr__rt.spin_us = spin_us;
    fr__rt.serve_spin_us = spin_us;
    fr__rt.max_threads = 8;
    fr__rt.max_payload = 8u << 20;
    fr__region_geom(&fr__rt.geom, 16, channel_bytes);
    fr__rt.window = fr__rt.geom.slot_size - FR_SLOT_WINDOW;
    region.peer = !self;
    region.side = self;
    region.sock = socks[self];
    region.failed = 0;
    pthread_mutex_init(&region.sock_lock, NULL);
    fr__rt.regions = &region;
    fr__rt.nregions = 1;
    region_of_fmp[self] = -1;
    region_of_fmp[!self] = 0;
    fr__rt.region_of_fmp = region_of_fmp;
    memset(lts, 0, sizeof lts);
    fr__rt.lts = lts;
    fr__rt.ids_used = ids;
    pthread_mutex_init(&fr__rt.lock, NULL);
}

static int setup(void **state, uint64_t channel_bytes, unsigned spin_us)
{
    struct fr_geom g;
    (void)state;
    fr__region_geom(&g, 16, channel_bytes);
    memfd = fr__region_create(&g, "zero", "one");
    if (memfd < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET, 0, socks) < 0)
        return -1;
    view(0, channel_bytes, spin_us);
    if (fr__region_map(memfd, &fr__rt.geom, 1, &region.base) < 0)
        return -1;
    fr__region_cache(0);
    return 0;
}

static int setup_small(void **state) { return setup(state, 16 * 1024, 50); }
static int setup_sleepy(void **state) { return setup(state, 64 * 1024, 0); }
/* spin_us of a second: every wait of either side would spin through its
 * whole test but for fr__rt.nospin and the header's `slow` */
static int setup_spinny(void **state) { return setup(state, 64 * 1024, 1000000); }

static int teardown(void **state)
{
    (void)state;
    atomic_store(&fmps[1].said_gone, 0);   /* a failed test's, too */
    munmap(region.base, fr__rt.geom.size);
    close(memfd);
    close(socks[0]);
    close(socks[1]);
    for (int i = 0; i < 16; i++) {
        if (!lts[i])
            continue;
        free(lts[i]->last);
        free(lts[i]->seen);
        free(lts[i]->opened);
        free(lts[i]->gen);
        free(lts[i]->slot);
        free(lts[i]->rbuf);
        free(lts[i]);
    }
    return 0;
}

/* The peer runs as under Valgrind (fr__chan_pace): it never spins. */
static int peer_nospin;

/* Run @fn as FMP 1 in a child process; returns its exit status. */
static pid_t peer(int (*fn)(void *), void *arg)
{
    pid_t pid = fork();
    if (pid == 0) {
        uint64_t bytes = fr__rt.geom.slot_size;
        unsigned spin = fr__rt.spin_us;
        view(1, bytes, spin);
        fr__rt.nospin = peer_nospin;
        fr__region_cache(0);
        _exit(fn(arg));
    }
    return pid;
}

static int join(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static unsigned char pattern(size_t i)
{
    return (unsigned char)(i * 131 + (i >> 9));
}

/* Peer: take one request of fn 7 and echo its payload back, reversed kind. */
static int echo_peer(void *arg)
{
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_msg m;
    int r, rc;
    unsigned delay_ms = (unsigned)(uintptr_t)arg;

    void *buf = NULL;
    size_t cap = 0;

    if ((rc = fr__chan_wait(lt, -1, fr__now_ns() + 5000000000ll, &r)) < 0)
        return 10;
    if ((rc = fr__chan_recv(lt, r, &buf, &cap, &m)) < 0)
        return 11;
    if (m.kind != FR_MSG_REQ || m.fn != 7)
        return 12;
    if (delay_ms)
        usleep(delay_ms * 1000);
    struct fr__field f = { m.data, m.len, FR_W_BUF, -1 };
    /* the payload is one BUF field already: send its data back as one */
    struct fr_wire_reader rd = { m.data, m.data + m.len };
    struct fr_wire_field wf;
    if (fr__wire_next(&rd, &wf) < 0)
        return 13;
    f.ptr = wf.data;
    f.len = wf.len;
    rc = fr__chan_send(lt, r, FR_MSG_REP, 7, 0, &f, 1);
    free(buf);
    return rc < 0 ? 14 : 0;
}

static void round_trip(size_t n, unsigned delay_ms)
{
    struct fr_lt *lt = fr__lt_get(0);
    unsigned char *buf = malloc(n ? n : 1);
    struct fr_msg m;
    int got;

    for (size_t i = 0; i < n; i++)
        buf[i] = pattern(i);
    pid_t pid = peer(echo_peer, (void *)(uintptr_t)delay_ms);
    struct fr__field f = { buf, n, FR_W_IN, -1 };
    assert_int_equal(fr__chan_send(lt, 0, FR_MSG_REQ, 7, 0, &f, 1), 0);
    assert_int_equal(fr__chan_wait(lt, 0, fr__now_ns() + 5000000000ll, &got), 0);
    assert_int_equal(got, 0);
    assert_int_equal(fr__chan_recv(lt, 0, &lt->rbuf, &lt->rcap, &m), 0);
    assert_int_equal(m.kind, FR_MSG_REP);
    struct fr_wire_reader rd = { m.data, m.data + m.len };
    struct fr_wire_field wf;
    assert_int_equal(fr__wire_next(&rd, &wf), 0);
    assert_int_equal(wf.kind, FR_W_BUF);
    assert_int_equal(wf.len, n);
    assert_memory_equal(wf.data, buf, n);
    assert_int_equal(join(pid), 0);
    free(buf);
}

static void test_small(void **state)
{
    (void)state;
    round_trip(100, 0);
}

static void test_chunked(void **state)
{
    (void)state;
    /* 16 KiB channel: 1 MiB + 17 bytes goes in ~66 chunks each way */
    round_trip((1u << 20) + 17, 0);
}

static void test_sleep_path(void **state)
{
    (void)state;
    /* spin_us 0 and a slow peer: the caller must sleep and be woken */
    round_trip(4096, 100);
}

static int64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Peer under Valgrind: wait for a request that comes 100 ms late, without
 * spinning (its CPU time says so), then echo it 100 ms late. */
static int nospin_peer(void *arg)
{
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_msg m;
    void *buf = NULL;
    size_t cap = 0;
    int r;
    (void)arg;

    int64_t cpu = thread_cpu_ns();
    if (fr__chan_wait(lt, -1, fr__now_ns() + 5000000000ll, &r) < 0)
        return 10;
    if (thread_cpu_ns() - cpu > 30000000)
        return 20;            /* it spun for the request */
    if (fr__chan_recv(lt, r, &buf, &cap, &m) < 0 || m.kind != FR_MSG_REQ)
        return 11;
    usleep(100000);
    struct fr__field f = { "ok", 2, FR_W_BUF, -1 };
    int rc = fr__chan_send(lt, r, FR_MSG_REP, m.fn, 0, &f, 1);
    free(buf);
    return rc < 0 ? 14 : 0;
}

/* A process under Valgrind sleeps at once in every wait, and a caller
 * sleeps at once waiting for it (its side of the header says `slow`),
 * however long spin_us is: a spin there would only take a core from the
 * instrumented process and the program for hundreds of microseconds. */
static void test_slow_peer_no_spin(void **state)
{
    struct fr_region_hdr *h = region.base;
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_msg m;
    int got;
    (void)state;

    peer_nospin = 1;
    pid_t pid = peer(nospin_peer, NULL);
    peer_nospin = 0;
    for (int i = 0; i < 5000 && !atomic_load(&h->slow[1]); i++)
        usleep(1000);
    assert_int_equal(atomic_load(&h->slow[1]), 1);
    assert_int_equal(atomic_load(&h->slow[0]), 0);
    usleep(100000);
    struct fr__field f = { "hi", 2, FR_W_IN, -1 };
    assert_int_equal(fr__chan_send(lt, 0, FR_MSG_REQ, 9, 0, &f, 1), 0);
    int64_t cpu = thread_cpu_ns();
    assert_int_equal(fr__chan_wait(lt, 0, fr__now_ns() + 5000000000ll, &got), 0);
    assert_true(thread_cpu_ns() - cpu < 30000000);   /* slept: spinning is ~100 ms */
    assert_int_equal(fr__chan_recv(lt, 0, &lt->rbuf, &lt->rcap, &m), 0);
    assert_int_equal(m.kind, FR_MSG_REP);
    assert_int_equal(join(pid), 0);
}

static void test_chunked_from_new_incarnation(void **state)
{
    struct fr_region_hdr *h = region.base;
    (void)state;
    /* FMP 0 was restarted (incarnation 1) and the root has not yet cleared
     * `gone` in this region, which still shows incarnation 0's end: FMP 1
     * takes its long request and answers it all the same. */
    atomic_store(&h->gen[0], 1);
    atomic_store(&h->gone[0], 0 + 1);   /* incarnation 0 ended */
    fr__rt.call_timeout_ns = 2000000000;   /* a peer that gave up must not hang us */
    round_trip((1u << 18) + 17, 0);
    fr__rt.call_timeout_ns = 0;
}

static void test_too_large(void **state)
{
    struct fr_lt *lt = fr__lt_get(0);
    struct fr__field f = { NULL, (8u << 20) + 1, FR_W_OUT, -1 };
    (void)state;
    f.kind = FR_W_SCALAR;     /* data-carrying: 8 MiB + 1 of payload */
    assert_int_equal(fr__chan_send(lt, 0, FR_MSG_REQ, 7, 0, &f, 1), -EMSGSIZE);
}

/* Peer: post a bell that skips a number (stale or forged). */
static int forge_peer(void *arg)
{
    struct fr_slot *s = fr__slot(region.base, &fr__rt.geom, 0);
    (void)arg;
    atomic_store(&s->to[0].bell, 5);
    fr__futex_wake(&s->to[0].bell, INT_MAX);
    return 0;
}

static void test_forged_bell(void **state)
{
    struct fr_lt *lt = fr__lt_get(0);
    int got;
    (void)state;
    assert_int_equal(join(peer(forge_peer, NULL)), 0);
    assert_int_equal(fr__chan_wait(lt, 0, fr__now_ns() + 200000000, &got), -EPROTO);
}

/* Peer: write a whole header and payload but die before posting it. */
static int torn_peer(void *arg)
{
    struct fr_slot *s = fr__slot(region.base, &fr__rt.geom, 0);
    struct fr_msg_hdr h = { .seq = 1, .kind = FR_MSG_REP, .total = 8, .chunk = 8 };
    (void)arg;
    memcpy(&s->to[0].hdr, &h, sizeof h);
    memset(fr__slot_window(s), 0x5a, 8);
    return 0;
}

static void test_torn_message(void **state)
{
    struct fr_lt *lt = fr__lt_get(0);
    int got;
    (void)state;
    assert_int_equal(join(peer(torn_peer, NULL)), 0);
    assert_int_equal(fr__chan_wait(lt, 0, fr__now_ns() + 100000000, &got), -ETIMEDOUT);
}

/* Peer: post the header @arg points to (the parent's, copied by fork) as
 * message 1, with no payload behind it. */
static int post_peer(void *arg)
{
    struct fr_slot *s = fr__slot(region.base, &fr__rt.geom, 0);
    memcpy(&s->to[0].hdr, arg, sizeof s->to[0].hdr);
    atomic_store(&s->to[0].bell, 1);
    return 0;
}

static void test_header_mismatch(void **state)
{
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_msg m;
    int got;
    /* a header that does not carry the bell's number */
    struct fr_msg_hdr h = { .seq = 9, .kind = FR_MSG_REP, .total = 0 };
    (void)state;
    assert_int_equal(join(peer(post_peer, &h)), 0);
    assert_int_equal(fr__chan_wait(lt, 0, -1, &got), 0);
    assert_int_equal(fr__chan_recv(lt, 0, &lt->rbuf, &lt->rcap, &m), -EPROTO);
}

static void test_overlong_chunk(void **state)
{
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_msg m;
    int got;
    /* a header that claims more than the window holds */
    struct fr_msg_hdr h = { .seq = 1, .kind = FR_MSG_REP };
    (void)state;
    h.total = h.chunk = fr__rt.window + 1;
    assert_int_equal(join(peer(post_peer, &h)), 0);
    assert_int_equal(fr__chan_wait(lt, 0, -1, &got), 0);
    assert_int_equal(fr__chan_recv(lt, 0, &lt->rbuf, &lt->rcap, &m), -EPROTO);
}

/* A peer that dies while its message is being taken: the root resets
 * its slot (restart.c) between the wait that found the message and the
 * take, which then reads a zeroed header.  That is the peer's end, not a
 * forgery (-EPIPE: the call replays), told by the peer's moved state: its
 * `gone` (the root's own record, here) or its incarnation. */
static void moved_while_taken(int by_gone)
{
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_slot *s = fr__slot(region.base, &fr__rt.geom, 0);
    struct fr_region_hdr *h = region.base;
    struct fr_msg_hdr reply = { .seq = 1, .kind = FR_MSG_REP, .fn = 7 };
    struct fr_msg m;
    int got;

    assert_int_equal(join(peer(post_peer, &reply)), 0);
    assert_int_equal(fr__chan_wait(lt, 0, -1, &got), 0);
    memset(&s->to[0].hdr, 0, sizeof s->to[0].hdr);   /* the reset of the dead one's slot */
    if (by_gone)
        atomic_store(&fmps[1].said_gone, 1);
    else
        atomic_fetch_add(&h->gen[1], 1);
    assert_int_equal(fr__chan_recv(lt, 0, &lt->rbuf, &lt->rcap, &m), -EPIPE);
}

static void test_moved_while_taken(void **state)
{
    (void)state;
    moved_while_taken(1);
}

static void test_restarted_while_taken(void **state)
{
    (void)state;
    moved_while_taken(0);
}

/* ---- the callee's common request (fr__chan_peek_req, fr__chan_take_req) -- */

/* Peer: send fn 7 a request of one 16-byte buffer, of status @arg. */
static int request_peer(void *arg)
{
    struct fr_lt *lt = fr__lt_get(0);
    unsigned char payload[16];
    struct fr__field f = { payload, sizeof payload, FR_W_IN, -1 };

    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = pattern(i);
    return fr__chan_send(lt, 0, FR_MSG_REQ, 7, (int32_t)(intptr_t)arg, &f, 1) < 0 ? 10 : 0;
}

/* The common request is looked at without being taken, then taken into a
 * buffer grown for it; a replica's (status set) is left for
 * fr__chan_recv, which takes it as before. */
static void test_peek_take_request(void **state)
{
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_msg_hdr h;
    struct fr_wire_field wf;
    struct fr_msg m;
    void *buf = NULL;
    size_t cap = 0;
    int got;
    (void)state;

    assert_int_equal(join(peer(request_peer, (void *)0)), 0);
    assert_int_equal(fr__chan_wait(lt, -1, fr__now_ns() + 1000000000, &got), 0);
    assert_int_equal(fr__chan_peek_req(lt, 0, &h), 1);
    assert_int_equal(lt->seen[0], 0);            /* looked at, not taken */
    assert_int_equal(h.fn, 7);
    assert_int_equal(h.total, sizeof(struct fr_wire_hdr) + 16);
    assert_int_equal(fr__chan_take_req(lt, 0, &h, &buf, &cap), 0);
    assert_int_equal(lt->seen[0], h.seq);
    assert_int_equal(lt->last[0], h.seq);
    assert_true(buf != NULL && cap >= h.total);
    struct fr_wire_reader rd = { buf, (unsigned char *)buf + h.total };
    assert_int_equal(fr__wire_next(&rd, &wf), 0);
    assert_int_equal(wf.len, 16);
    for (size_t i = 0; i < 16; i++)
        assert_int_equal(wf.data[i], pattern(i));

    /* the peer's next request, a replica's: not the common one */
    lt->last[0] = 0;                             /* the peer counts afresh */
    lt->seen[0] = 0;
    assert_int_equal(join(peer(request_peer, (void *)2)), 0);
    assert_int_equal(fr__chan_wait(lt, -1, fr__now_ns() + 1000000000, &got), 0);
    assert_int_equal(fr__chan_peek_req(lt, 0, &h), 0);
    assert_int_equal(lt->seen[0], 0);
    assert_int_equal(fr__chan_recv(lt, 0, &buf, &cap, &m), 0);
    assert_int_equal(m.kind, FR_MSG_REQ);
    assert_int_equal(m.status, 2);
    free(buf);
}

/* ---- the fast path's reply (fr__chan_quick_reply) ----------------------- */

enum quick_case { Q_COMMON, Q_ERR, Q_OTHER_FN, Q_STALE, Q_SILENT };

/* Peer: take the request of fn 7 and answer it as @arg says (its low
 * byte; above it, the last seq on the slot: each round is a new process). */
static int quick_peer(void *arg)
{
    enum quick_case how = (enum quick_case)((uintptr_t)arg & 0xff);
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_slot *s = fr__slot(region.base, &fr__rt.geom, 0);
    unsigned char payload[16];
    struct fr__field f = { payload, sizeof payload, FR_W_BUF, -1 };
    void *buf = NULL;
    size_t cap = 0;
    struct fr_msg m;
    int r, rc;

    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = pattern(i);
    /* the last message was our predecessor's reply, the one before it
     * the request our bell still shows */
    lt->last[0] = (uint32_t)((uintptr_t)arg >> 8);
    lt->seen[0] = lt->last[0] ? lt->last[0] - 1 : 0;
    if (fr__chan_wait(lt, -1, fr__now_ns() + 5000000000ll, &r) < 0 ||
        fr__chan_recv(lt, r, &buf, &cap, &m) < 0 || m.kind != FR_MSG_REQ || m.fn != 7)
        return 10;
    free(buf);
    switch (how) {
    case Q_COMMON:
    case Q_STALE:
        rc = fr__chan_send_rep(lt, r, 7, &f, 1);
        break;
    case Q_ERR:
        rc = fr__chan_send(lt, r, FR_MSG_ERR, 7, -ENOSYS, NULL, 0);
        break;
    case Q_OTHER_FN:
        rc = fr__chan_send_rep(lt, r, 8, &f, 1);
        break;
    default:
        return 0;
    }
    /* a message stamped for an earlier incarnation of FMP 0 */
    if (how == Q_STALE)
        s->to[0].hdr.gen = 5;
    return rc < 0 ? 11 : 0;
}

/* Send fn 7's request, let the peer answer @how, then look with
 * fr__chan_quick_reply: whether it took the reply (*m then set). */
static int quick_round(enum quick_case how, struct fr_msg *m)
{
    struct fr_lt *lt = fr__lt_get(0);
    pid_t pid = peer(quick_peer, (void *)((uintptr_t)how | (uintptr_t)lt->last[0] << 8));
    uint32_t last, seen;
    int taken;

    assert_int_equal(fr__chan_send_req(lt, 0, 7, NULL, 0, 0), 0);
    assert_int_equal(join(pid), 0);   /* its answer, if any, is posted */
    last = lt->last[0];
    seen = lt->seen[0];
    taken = fr__chan_quick_reply(lt, 0, 7, m);
    if (!taken) {
        /* nothing of it was taken */
        assert_int_equal(lt->last[0], last);
        assert_int_equal(lt->seen[0], seen);
    }
    return taken;
}

/* The common reply is taken as fr__chan_wait and fr__chan_recv would take it. */
static void test_quick_reply_common(void **state)
{
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_wire_field wf;
    struct fr_msg m;
    (void)state;
    lt->rbuf = malloc(256);
    lt->rcap = 256;
    assert_int_equal(quick_round(Q_COMMON, &m), 1);
    assert_int_equal(m.kind, FR_MSG_REP);
    assert_int_equal(m.fn, 7);
    assert_ptr_equal(m.data, lt->rbuf);
    assert_int_equal(lt->seen[0], lt->last[0]);
    struct fr_wire_reader rd = { m.data, m.data + m.len };
    assert_int_equal(fr__wire_next(&rd, &wf), 0);
    assert_int_equal(wf.kind, FR_W_BUF);
    assert_int_equal(wf.len, 16);
    for (size_t i = 0; i < 16; i++)
        assert_int_equal(wf.data[i], pattern(i));
    assert_ptr_equal(rd.p, rd.end);
}

/* What is not the common reply stays on the slot for the full wait and
 * fr__chan_recv, which take it as before: a refusal, a reply to another
 * function, a reply with no room for it yet (the buffer grows there). */
static void test_quick_reply_leaves_the_rest(void **state)
{
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_msg m;
    int got;
    (void)state;

    assert_int_equal(quick_round(Q_ERR, &m), 0);
    assert_int_equal(fr__chan_wait(lt, 0, fr__now_ns() + 1000000000, &got), 0);
    assert_int_equal(fr__chan_recv(lt, 0, &lt->rbuf, &lt->rcap, &m), 0);
    assert_int_equal(m.kind, FR_MSG_ERR);
    assert_int_equal(m.status, -ENOSYS);

    assert_int_equal(quick_round(Q_OTHER_FN, &m), 0);
    assert_int_equal(fr__chan_wait(lt, 0, fr__now_ns() + 1000000000, &got), 0);
    assert_int_equal(fr__chan_recv(lt, 0, &lt->rbuf, &lt->rcap, &m), 0);
    assert_int_equal(m.fn, 8);

    free(lt->rbuf);
    lt->rbuf = NULL;
    lt->rcap = 0;
    assert_int_equal(quick_round(Q_COMMON, &m), 0);
    assert_int_equal(fr__chan_wait(lt, 0, fr__now_ns() + 1000000000, &got), 0);
    assert_int_equal(fr__chan_recv(lt, 0, &lt->rbuf, &lt->rcap, &m), 0);
    assert_int_equal(m.len, sizeof(struct fr_wire_hdr) + 16);
    /* and with the room made, the next one is taken */
    assert_int_equal(quick_round(Q_COMMON, &m), 1);
}

/* A message stamped for an earlier incarnation is not taken either: the
 * full wait clears it (as a stale one) and goes on waiting. */
static void test_quick_reply_stale(void **state)
{
    struct fr_lt *lt = fr__lt_get(0);
    struct fr_msg m;
    int got;
    (void)state;
    lt->rbuf = malloc(256);
    lt->rcap = 256;
    assert_int_equal(quick_round(Q_STALE, &m), 0);
    assert_int_equal(fr__chan_wait(lt, 0, fr__now_ns() + 100000000, &got), -ETIMEDOUT);
}

/* No answer: it gives up after its short spin instead of waiting. */
static void test_quick_reply_silent(void **state)
{
    struct fr_msg m;
    (void)state;
    assert_int_equal(quick_round(Q_SILENT, &m), 0);
}

static void *mark_gone_later(void *arg)
{
    struct fr_region_hdr *h = region.base;
    struct fr_slot *s = fr__slot(region.base, &fr__rt.geom, 0);
    (void)arg;
    usleep(100000);
    atomic_store(&h->gone[1], 1);
    atomic_fetch_or(&s->to[0].bell, FR_BELL_GONE);
    fr__futex_wake(&s->to[0].bell, INT_MAX);
    return NULL;
}

/* A caller asleep on FMP 1 is woken by what @later does to it: the call
 * fails (EPIPE) at once, not at the deadline (without one: never). */
static void woken_by(void *(*later)(void *))
{
    struct fr_lt *lt = fr__lt_get(0);
    pthread_t t;
    int got;
    pthread_create(&t, NULL, later, NULL);
    int64_t t0 = fr__now_ns();
    assert_int_equal(fr__chan_wait(lt, 0, t0 + 3000000000ll, &got), -EPIPE);
    assert_true(fr__now_ns() - t0 < 1500000000ll);
    pthread_join(t, NULL);
}

static void test_gone_wakes_sleeper(void **state)
{
    (void)state;
    woken_by(mark_gone_later);
}

/* The peer's death and restart as a sleeper may miss them: the bell is
 * back to what it read (0 -> GONE -> 0), only the incarnation moved. */
static void *restart_unseen_later(void *arg)
{
    struct fr_region_hdr *h = region.base;
    (void)arg;
    usleep(100000);
    atomic_fetch_add(&h->gen[1], 1);
    fr__futex_wake(&h->gen[1], INT_MAX);
    return NULL;
}

static void test_restart_wakes_sleeper(void **state)
{
    (void)state;
    woken_by(restart_unseen_later);
}

static void test_wire_chunk_boundaries(void **state)
{
    unsigned char a[37], b[5] = "abcd", out[512], out2[512];
    struct fr__field f[4] = {
        { a, sizeof a, FR_W_IN, -1 }, { NULL, 99, FR_W_OUT, -1 },
        { b, 5, FR_W_STRING, -1 }, { NULL, 0, FR_W_CALLBACK, 3 },
    };
    uint64_t total = fr__wire_size(f, 4);
    (void)state;
    for (size_t i = 0; i < sizeof a; i++)
        a[i] = (unsigned char)i;
    struct fr_wire_enc e0 = { 0, 0 };
    assert_int_equal(fr__wire_fill(f, 4, &e0, out, sizeof out), total);
    assert_int_equal(fr__wire_check(out, out + total), 0);
    for (size_t cap = 1; cap <= total; cap++) {
        struct fr_wire_enc e = { 0, 0 };
        size_t at = 0, k;
        while ((k = fr__wire_fill(f, 4, &e, out2 + at, cap)) > 0)
            at += k;
        assert_int_equal(at, total);
        assert_memory_equal(out, out2, total);
    }
    /* every truncation is refused */
    for (size_t cut = 1; cut < total; cut++)
        if (cut != 16 + 40 && cut != 16 + 40 + 16 && cut != 16 + 40 + 16 + 24)
            assert_int_equal(fr__wire_check(out, out + cut), -EPROTO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wire_chunk_boundaries),
        cmocka_unit_test_setup_teardown(test_small, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_chunked, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_sleep_path, setup_sleepy, teardown),
        cmocka_unit_test_setup_teardown(test_slow_peer_no_spin, setup_spinny, teardown),
        cmocka_unit_test_setup_teardown(test_chunked_from_new_incarnation, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_too_large, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_forged_bell, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_torn_message, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_header_mismatch, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_overlong_chunk, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_moved_while_taken, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_restarted_while_taken, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_peek_take_request, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_quick_reply_common, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_quick_reply_leaves_the_rest, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_quick_reply_stale, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_quick_reply_silent, setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_gone_wakes_sleeper, setup_sleepy, teardown),
        cmocka_unit_test_setup_teardown(test_restart_wakes_sleeper, setup_sleepy, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
