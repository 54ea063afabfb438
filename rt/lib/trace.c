/*
 * trace.c - the counters of a training trace: one shared-memory area per
 * FMP (calls, bytes and descriptors per edge, CPU per module), and the
 * calling thread's current module with the clock reads that charge its
 * time (trace.h says how).
 *
 * An area, as both sides map it:
 *   64-byte header (magic, nmodules, nfunctions: for a reader's eye only);
 *   u64 cpu_ns[nmodules], padded to 64 bytes;
 *   struct fr_trace_edge [nmodules * nfunctions], edge (from, fn) at
 *   from * nfunctions + fn.
 * Sparse: only the pages of edges that were called take memory.  The
 * counters are relaxed atomics: threads of one FMP add to the same ones.
 */
#include "trace.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "state.h"

#define AREA_MAGIC 0x3165636172747246ull   /* "Frtrace1" */
#define AREA_MAX ((size_t)1 << 30)
#define UNSET (-2)                          /* a thread that never switched */

int fr__trace_on;

static struct {
    int n;                    /* areas this process maps (root: every FMP's) */
    int *fd;                  /* root: per FMP, the memfd of its area */
    void **base;
    size_t size, cpu_off, edges_off;
    unsigned nmod, nfn;
    _Atomic uint64_t *cpu;    /* this process's own area */
    struct fr_trace_edge *edges;
} tr;

/* A counting thread.  cur, c_last and est are read by the thread that
 * flushes everyone's tail at exit: atomics (relaxed, plain moves on x86). */
struct tstate {
    _Atomic int cur;          /* module, FR_TRACE_NONE or UNSET */
    int64_t w_last;           /* monotonic ns at the last switch (0: none yet) */
    _Atomic int64_t c_last;   /* CPU ns at the last CPU clock read */
    _Atomic int64_t est;      /* ns charged by the monotonic clock since */
    clockid_t clk;            /* its CPU clock, for the flush */
    int reg;                  /* 1: listed; -1: its thread ended */
    struct tstate *next, *prev;
};

static __thread struct tstate me = { .cur = UNSET };
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tstate *threads;
static pthread_key_t thread_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static int64_t clock_ns(clockid_t c)
{
    struct timespec ts;

    if (clock_gettime(c, &ts) < 0)
        return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void charge(int mod, int64_t ns)
{
    if (mod >= 0 && (unsigned)mod < tr.nmod && ns > 0)
        atomic_fetch_add_explicit(&tr.cpu[mod], (uint64_t)ns, memory_order_relaxed);
}

static int resolved(int cur)
{
    return cur == UNSET ? 0 : cur;
}

/* Charge @t's CPU since its last CPU clock read (@c now) to its module. */
static void tail(struct tstate *t, int64_t c)
{
    int64_t last = atomic_load_explicit(&t->c_last, memory_order_relaxed);
    int64_t est = atomic_load_explicit(&t->est, memory_order_relaxed);

    if (c < 0)
        return;
    charge(resolved(atomic_load_explicit(&t->cur, memory_order_relaxed)), c - last - est);
    atomic_store_explicit(&t->c_last, c, memory_order_relaxed);
    atomic_store_explicit(&t->est, 0, memory_order_relaxed);
}

/* A thread that counted ends: its last stretch is charged, and it leaves
 * the list (its TLS goes with it). */
static void thread_gone(void *p)
{
    struct tstate *t = p;

    tail(t, clock_ns(CLOCK_THREAD_CPUTIME_ID));
    pthread_mutex_lock(&threads_lock);
    if (t->prev)
        t->prev->next = t->next;
    else
        threads = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->reg = -1;
    pthread_mutex_unlock(&threads_lock);
}

static void make_key(void)
{
    if (pthread_key_create(&thread_key, thread_gone) != 0)
        fr__log("tracing: no thread key; CPU after a thread's last call is not counted");
}

static void thread_register(struct tstate *t)
{
    pthread_once(&key_once, make_key);
    if (pthread_getcpuclockid(pthread_self(), &t->clk) != 0)
        t->clk = CLOCK_THREAD_CPUTIME_ID;
    pthread_mutex_lock(&threads_lock);
    t->prev = NULL;
    t->next = threads;
    if (threads)
        threads->prev = t;
    threads = t;
    t->reg = 1;
    pthread_mutex_unlock(&threads_lock);
    (void)pthread_setspecific(thread_key, t);
}

int fr__trace_switch(int mod)
{
    struct tstate *t = &me;
    int from = resolved(atomic_load_explicit(&t->cur, memory_order_relaxed));
    int64_t w, d;

    if (FR__UNLIKELY(t->reg <= 0)) {
        if (t->reg < 0) {     /* in its thread's last destructors: no more counting */
            atomic_store_explicit(&t->cur, mod, memory_order_relaxed);
            return from;
        }
        thread_register(t);   /* w_last 0: the first stretch reads the CPU clock */
    }
    w = clock_ns(CLOCK_MONOTONIC);
    d = w - t->w_last;
    t->w_last = w;
    if (d >= 0 && d < FR_TRACE_SHORT_NS) {
        charge(from, d);
        atomic_store_explicit(&t->est, atomic_load_explicit(&t->est, memory_order_relaxed) + d,
                              memory_order_relaxed);
    } else {
        tail(t, clock_ns(CLOCK_THREAD_CPUTIME_ID));
    }
    atomic_store_explicit(&t->cur, mod, memory_order_relaxed);
    return from;
}

int fr__trace_current(void)
{
    int cur = atomic_load_explicit(&me.cur, memory_order_relaxed);

    return cur < 0 ? 0 : cur;
}

void fr__trace_serving(void)
{
    if (atomic_load_explicit(&me.cur, memory_order_relaxed) == UNSET)
        atomic_store_explicit(&me.cur, FR_TRACE_NONE, memory_order_relaxed);
}

void fr__trace_thread_begin(int mod)
{
    if (me.reg == 0)
        thread_register(&me);
    me.w_last = clock_ns(CLOCK_MONOTONIC);
    atomic_store_explicit(&me.c_last, clock_ns(CLOCK_THREAD_CPUTIME_ID), memory_order_relaxed);
    atomic_store_explicit(&me.est, 0, memory_order_relaxed);
    atomic_store_explicit(&me.cur, mod, memory_order_relaxed);
}

void fr__trace_count(int from, unsigned fn, uint64_t bytes_in, uint64_t bytes_out,
                     unsigned fds)
{
    struct fr_trace_edge *e;

    FR_ASSERTF(from >= 0 && (unsigned)from < tr.nmod && fn < tr.nfn,
               "a traced call of function %u from module %d", fn, from);
    e = &tr.edges[(size_t)from * tr.nfn + fn];
    atomic_fetch_add_explicit(&e->calls, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&e->bytes_in, bytes_in, memory_order_relaxed);
    atomic_fetch_add_explicit(&e->bytes_out, bytes_out, memory_order_relaxed);
    if (fds)
        atomic_fetch_add_explicit(&e->fds, fds, memory_order_relaxed);
}

void fr__trace_flush_threads(void)
{
    pthread_mutex_lock(&threads_lock);
    for (struct tstate *t = threads; t; t = t->next)
        tail(t, t == &me ? clock_ns(CLOCK_THREAD_CPUTIME_ID) : clock_ns(t->clk));
    pthread_mutex_unlock(&threads_lock);
}

void fr__trace_mark(int on)
{
    for (unsigned m = 0; m < fr__rt.app->nmodules; m++)
        if (fr__remote[m] != 1)
            fr__remote[m] = on ? FR_REMOTE_TRACED : 0;
}

/* The layout of an area for the module table: 0 or -E2BIG. */
static int layout(void)
{
    uint64_t nmod = fr__rt.app->nmodules, nfn = fr__rt.app->nfunctions, size;

    tr.nmod = (unsigned)nmod;
    tr.nfn = (unsigned)nfn;
    tr.cpu_off = 64;
    tr.edges_off = (64 + nmod * sizeof(uint64_t) + 63) & ~(size_t)63;
    size = tr.edges_off + nmod * nfn * sizeof(struct fr_trace_edge);
    if (size > AREA_MAX)
        return -E2BIG;
    tr.size = (size_t)((size + 4095) & ~(uint64_t)4095);
    return 0;
}

static int map(int fd, void **base)
{
    *base = mmap(NULL, tr.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return *base == MAP_FAILED ? -errno : 0;
}

/* Count into @base from now on. */
static void adopt(void *base)
{
    tr.cpu = (_Atomic uint64_t *)((unsigned char *)base + tr.cpu_off);
    tr.edges = (struct fr_trace_edge *)((unsigned char *)base + tr.edges_off);
    fr__trace_on = 1;
}

int fr__trace_setup(int nfmps)
{
    int rc = layout();

    if (rc < 0)
        return rc;
    /* calloc: process-lifetime state, never "possibly lost" (start.c) */
    tr.fd = calloc((size_t)nfmps, sizeof *tr.fd);
    tr.base = calloc((size_t)nfmps, sizeof *tr.base);
    if (!tr.fd || !tr.base)
        return -ENOMEM;
    for (int k = 0; k < nfmps; k++) {
        uint64_t *hdr;
        tr.fd[k] = memfd_create("fracture-trace", MFD_CLOEXEC);
        if (tr.fd[k] < 0)
            return -errno;
        if (ftruncate(tr.fd[k], (off_t)tr.size) < 0 || (rc = map(tr.fd[k], &tr.base[k])) < 0)
            return rc < 0 ? rc : -errno;
        hdr = tr.base[k];
        hdr[0] = AREA_MAGIC;
        hdr[1] = (uint64_t)tr.nmod << 32 | tr.nfn;
        tr.n = k + 1;
    }
    adopt(tr.base[0]);
    return 0;
}

int fr__trace_fd(int k)
{
    return tr.fd && k >= 0 && k < tr.n ? tr.fd[k] : -1;
}

int fr__trace_attach(int fd)
{
    void *base;
    int rc = layout();

    if (rc == 0)
        rc = map(fd, &base);
    close(fd);
    if (rc < 0)
        return rc;
    adopt(base);
    /* a child's threads' last stretches, before the root reads the area */
    atexit(fr__trace_flush_threads);
    return 0;
}

int fr__trace_area(int k, _Atomic uint64_t **cpu, struct fr_trace_edge **edges)
{
    if (!tr.base || k < 0 || k >= tr.n || !tr.base[k])
        return -ENOENT;
    *cpu = (_Atomic uint64_t *)((unsigned char *)tr.base[k] + tr.cpu_off);
    *edges = (struct fr_trace_edge *)((unsigned char *)tr.base[k] + tr.edges_off);
    return 0;
}

int fr__trace_nareas(void)
{
    return tr.n;
}

void fr__trace_each_edge(int k, void (*fn)(void *ctx, size_t idx, const struct fr_trace_edge *e),
                         void *ctx)
{
    struct fr_trace_edge *edges;
    _Atomic uint64_t *cpu;
    size_t nedges = (size_t)tr.nmod * tr.nfn, sz = sizeof *edges;
    off_t pos = (off_t)tr.edges_off, end = (off_t)(tr.edges_off + nedges * sz);

    if (fr__trace_area(k, &cpu, &edges) < 0)
        return;
    while (pos < end) {
        off_t d = lseek(tr.fd[k], pos, SEEK_DATA), h;
        if (d < 0 && errno != ENXIO)
            d = pos;          /* no SEEK_DATA here: read it all */
        if (d < 0 || d >= end)
            break;            /* ENXIO: no data past pos */
        h = lseek(tr.fd[k], d, SEEK_HOLE);
        if (h < 0 || h > end)
            h = end;
        if (d < (off_t)tr.edges_off)
            d = (off_t)tr.edges_off;
        for (size_t i = (size_t)(d - (off_t)tr.edges_off) / sz;
             i < (size_t)(h - (off_t)tr.edges_off) / sz; i++)
            fn(ctx, i, &edges[i]);
        pos = h;
    }
}
