/*
 * profile.c - the profiler's span buffers: one shared-memory buffer per
 * FMP, made by the root and handed to every incarnation of the FMP, that
 * the threads of the FMP append fixed-size records to (profile.h says
 * what a record holds and how the root reads them).
 *
 * A buffer, as both sides map it:
 *   a header page: u64 magic, u64 capacity, _Atomic u64 head (records
 *   claimed so far, past the capacity too: what is past it was dropped);
 *   capacity records (struct fr_prof_rec, 80 bytes).
 * A thread claims a record with one atomic add on the head and fills it;
 * past the capacity the claim alone counts the drop.  A buffer keeps the
 * first spans of a run rather than the last: a ring would need the root
 * to tell a record being overwritten from a finished one, and a crash
 * mid-write would leave a torn one.  Sparse: only pages that were written
 * take memory.
 */
#include "profile.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "state.h"

#define BUF_MAGIC 0x31666f7270724672ull   /* "rFrprof1" */
#define PAGE 4096

struct buf_hdr {
    uint64_t magic, cap;
    _Atomic uint64_t head;
};

int fr__prof_on;

static struct {
    int n;                    /* buffers this process maps (root: every FMP's) */
    int *fd;                  /* root: per FMP, the memfd of its buffer */
    void **base;
    uint64_t cap;             /* records per buffer (the root's own number) */
    size_t size;
    struct buf_hdr *own;
    struct fr_prof_rec *recs;
} pb;

static int self_pid;
static __thread int self_tid;
static __thread uint64_t local_keys;   /* local calls this thread recorded */

static size_t size_of(uint64_t cap)
{
    return PAGE + (size_t)cap * sizeof(struct fr_prof_rec);
}

/* A process the program forked (without exec) records as itself. */
static void forked(void)
{
    self_pid = (int)getpid();
    self_tid = 0;
}

static void adopt(void *base)
{
    pb.own = base;
    pb.recs = (struct fr_prof_rec *)((unsigned char *)base + PAGE);
    self_pid = (int)getpid();
    pthread_atfork(NULL, NULL, forked);
    fr__prof_on = 1;
}

int fr__prof_setup(int nfmps, unsigned events)
{
    pb.cap = events ? events : FR_PROF_EVENTS_DEFAULT;
    pb.size = size_of(pb.cap);
    /* calloc: process-lifetime state, as the trace's areas (trace.c) */
    pb.fd = calloc((size_t)nfmps, sizeof *pb.fd);
    pb.base = calloc((size_t)nfmps, sizeof *pb.base);
    if (!pb.fd || !pb.base)
        return -ENOMEM;
    for (int k = 0; k < nfmps; k++) {
        struct buf_hdr *h;
        pb.fd[k] = memfd_create("fracture-profile", MFD_CLOEXEC);
        if (pb.fd[k] < 0)
            return -errno;
        pb.n = k + 1;
        if (ftruncate(pb.fd[k], (off_t)pb.size) < 0)
            return -errno;
        pb.base[k] = mmap(NULL, pb.size, PROT_READ | PROT_WRITE, MAP_SHARED, pb.fd[k], 0);
        if (pb.base[k] == MAP_FAILED) {
            pb.base[k] = NULL;
            return -errno;
        }
        h = pb.base[k];
        h->magic = BUF_MAGIC;
        h->cap = pb.cap;
    }
    return 0;
}

void fr__prof_enable(void)
{
    if (pb.n > 0 && pb.base[0])
        adopt(pb.base[0]);
}

int fr__prof_fd(int k)
{
    return pb.fd && k >= 0 && k < pb.n ? pb.fd[k] : -1;
}

int fr__prof_attach(int fd)
{
    struct buf_hdr *h;
    void *base;
    int rc = 0;

    h = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
    if (h == MAP_FAILED) {
        rc = -errno;
        goto out;
    }
    if (h->magic != BUF_MAGIC || h->cap == 0 || h->cap > ((uint64_t)1 << 26)) {
        munmap(h, PAGE);
        rc = -EINVAL;
        goto out;
    }
    pb.cap = h->cap;
    pb.size = size_of(pb.cap);
    munmap(h, PAGE);
    base = mmap(NULL, pb.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
        rc = -errno;
        goto out;
    }
    adopt(base);
out:
    close(fd);
    return rc;
}

int64_t fr__prof_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t fr__prof_counter(const struct fr_lt *lt)
{
    /* the count fr__xchg_place takes the next of: nested calls made
     * meanwhile (callbacks served on this thread) are a frame deeper, and
     * count on another */
    if (lt->depth > 0 && lt->depth <= FR_FRAMES)
        return lt->nout[lt->depth - 1];
    return lt->ncalls;
}

struct fr_prof_key fr__prof_call_keys(const struct fr_lt *lt, uint64_t before)
{
    uint64_t after = fr__prof_counter(lt), n = after > before ? after - before : 0;
    struct fr_prof_key k = { 0, before + 1, (uint16_t)(n > FR_PROF_KEYS_MAX ? FR_PROF_KEYS_MAX : n),
                             FR_PROF_KEY_TOP };

    if (lt->depth > 0 && lt->depth <= FR_FRAMES) {
        const struct fr_frame_place *pl = &lt->place[lt->depth - 1];
        k.key = fr__frame_id(pl->parent, pl->nth);
        k.mode = FR_PROF_KEY_NESTED;
    } else {
        k.key = (uint64_t)(fr__rt.self + 1) << 48 ^ (uint64_t)lt->id << 32;
    }
    return k;
}

struct fr_prof_key fr__prof_serve_key(uint64_t parent, uint32_t nth)
{
    return (struct fr_prof_key){ fr__frame_id(parent, nth), 0, 1, FR_PROF_KEY_ONE };
}

uint64_t fr__prof_key_at(const struct fr_prof_key *k, unsigned i)
{
    switch (k->mode) {
    case FR_PROF_KEY_TOP:     /* fr__xchg_place: parent (self, id, n), nth 0 */
        return fr__frame_id(k->key ^ (k->lo + i), 0);
    case FR_PROF_KEY_NESTED:
        return fr__frame_id(k->key, (uint32_t)(k->lo + i));
    default:
        return k->key;
    }
}

static void put(int kind, int local, unsigned depth, unsigned fn, int peer, uint32_t lt,
                int status, int from, int64_t t0, int64_t t1, const struct fr_prof_key *k)
{
    struct fr_prof_rec *r;
    uint64_t i;

    i = atomic_fetch_add_explicit(&pb.own->head, 1, memory_order_relaxed);
    if (i >= pb.cap)
        return;
    r = &pb.recs[i];
    r->kind = (uint8_t)kind;
    r->local = (uint8_t)local;
    r->depth = (uint16_t)(depth > UINT16_MAX ? UINT16_MAX : depth);
    r->fn = fn;
    r->pid = self_pid;
    r->tid = self_tid;
    r->peer = peer;
    r->lt = lt;
    r->status = status;
    r->from = from;
    r->t0 = t0;
    r->t1 = t1;
    r->k = *k;
    atomic_store_explicit(&r->ready, FR_PROF_READY, memory_order_release);
}

static void own_tid(void)
{
    if (FR__UNLIKELY(!self_tid))
        self_tid = (int)syscall(SYS_gettid);
}

void fr__prof_span(int kind, int local, unsigned depth, unsigned fn, int peer, uint32_t lt,
                   int status, int from, int64_t t0, const struct fr_prof_key *k)
{
    if (!pb.own)
        return;
    own_tid();
    put(kind, local, depth, fn, peer, lt, status, from, t0, fr__prof_now(), k);
}

void fr__prof_local(unsigned depth, unsigned fn, int status, int from, int64_t t0, int64_t s0)
{
    int64_t t1 = fr__prof_now();
    struct fr_prof_key k;

    if (!pb.own)
        return;
    own_tid();
    /* of a parent no request has (the call tree's have the FMP in bits
     * 48.., or are hashes): unique but for a 64-bit collision */
    uint64_t n = ++local_keys,
             who = (uint64_t)0xfff << 52 ^ (uint64_t)(uint32_t)self_pid << 22 ^ (uint32_t)self_tid;
    k = (struct fr_prof_key){ fr__frame_id(who ^ (n >> 32) << 40, (uint32_t)n), 0, 1,
                              FR_PROF_KEY_ONE };
    put(FR_PROF_SERVE, 1, depth, fn, fr__rt.self, 0, status, -1, s0, t1, &k);
    put(FR_PROF_CALL, 1, depth, fn, fr__rt.self, 0, status, from, t0, t1, &k);
}

int fr__prof_nbufs(void)
{
    return pb.n;
}

int fr__prof_records(int k, const struct fr_prof_rec **recs, uint64_t *n, uint64_t *dropped)
{
    const struct buf_hdr *h;
    uint64_t head;

    if (!pb.base || k < 0 || k >= pb.n || !pb.base[k])
        return -ENOENT;
    h = pb.base[k];
    head = atomic_load_explicit(&h->head, memory_order_acquire);
    *recs = (const struct fr_prof_rec *)((const unsigned char *)h + PAGE);
    *n = head < pb.cap ? head : pb.cap;
    *dropped = head > pb.cap ? head - pb.cap : 0;
    return 0;
}

void fr__prof_rewind(void)
{
    for (int k = 0; k < pb.n; k++) {
        struct buf_hdr *h = pb.base[k];
        struct fr_prof_rec *r = (struct fr_prof_rec *)((unsigned char *)h + PAGE);
        uint64_t head = atomic_load(&h->head);
        for (uint64_t i = 0; i < head && i < pb.cap; i++)
            atomic_store_explicit(&r[i].ready, 0, memory_order_relaxed);
        atomic_store(&h->head, 0);
    }
}
