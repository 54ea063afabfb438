/*
 * trace.c - the counters of a training trace: one shared-memory area per
 * FMP (calls, bytes and descriptors per edge, CPU per module), and the
 * calling thread's current module with the clock reads that charge its
 * time (trace.h says how).
 *
 * An area, as both sides map it:
 *   a header page (magic, nmodules, nfunctions, nlanes: for a reader's eye);
 *   nlanes lanes, each starting on a page of its own:
 *     u64 cpu_ns[nmodules], padded to 64 bytes;
 *     struct fr_trace_edge [nmodules * nfunctions], (from, fn) at
 *     from * nfunctions + fn.
 * A thread counts into a lane of its own while it lives, with plain adds
 * (in this process it is the lane's one writer: no locked instruction, no
 * cache line bouncing between the threads of a busy FMP); when every lane
 * is taken it counts into lane 0, shared, with atomic adds.  The root adds
 * the lanes up.  Sparse: only pages that were written take memory.
 */
#include "trace.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "log.h"
#include "state.h"

#define AREA_MAGIC 0x3165636172747246ull   /* "Frtrace1" */
#define LANE_MAX ((size_t)1 << 30)         /* a larger table is not traced */
#define AREA_BUDGET ((size_t)16 << 20)     /* address space for more lanes than one */
#define LANES_MAX 64
#define PAGE 4096
#define UNSET (-2)                          /* a thread that never switched */

int fr__trace_on;

static struct {
    int n;                    /* areas this process maps (root: every FMP's) */
    int *fd;                  /* root: per FMP, the memfd of its area */
    void **base;
    size_t size, lane_size, edges_off;   /* edges_off: within a lane */
    unsigned nmod, nfn, nlanes;
    void *own;                /* this process's area */
    uint64_t lanes_used;      /* lanes 1.. held by a thread (under threads_lock) */
} tr;

/*
 * The clock of short stretches: the TSC where the kernel keeps time by it
 * (its clocksource is "tsc": constant, in step across CPUs), read with one
 * instruction and scaled by a factor measured against CLOCK_MONOTONIC at
 * setup; else CLOCK_MONOTONIC itself.  Stretches are measured in its
 * ticks, charged in ns.
 */
static struct {
    int tsc;
    uint64_t ns_mult;         /* ns = ticks * ns_mult >> 32 */
    int64_t short_ticks;      /* FR_TRACE_SHORT_NS in ticks */
} clk = { 0, (uint64_t)1 << 32, FR_TRACE_SHORT_NS };

/* A counting thread.  cur, c_last and est are read by the thread that
 * flushes everyone's tail at exit: atomics (relaxed, plain moves on x86). */
struct tstate {
    _Atomic int cur;          /* module, FR_TRACE_NONE or UNSET */
    int64_t w_last;           /* ticks at the last switch (0: none yet) */
    _Atomic int64_t c_last;   /* CPU ns at the last CPU clock read */
    _Atomic int64_t est;      /* ns charged by the monotonic clock since */
    _Atomic uint64_t *cpu;    /* its lane's */
    struct fr_trace_edge *edges;
    unsigned lane;
    int excl;                 /* the lane is its own: plain adds */
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

static int64_t ticks(void)
{
#if defined(__x86_64__)
    if (clk.tsc)
        return (int64_t)__rdtsc();
#endif
    return clock_ns(CLOCK_MONOTONIC);
}

/* Whether the kernel keeps time by the TSC; then its rate against
 * CLOCK_MONOTONIC, over 200 us. */
static void clock_choose(void)
{
#if defined(__x86_64__)
    char src[32] = "";
    FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");
    int64_t t0, t1;
    uint64_t c0, c1;

    if (clk.tsc || !f)
        goto out;
    if (!fgets(src, sizeof src, f) || strcmp(src, "tsc\n") != 0)
        goto out;
    t0 = clock_ns(CLOCK_MONOTONIC);
    c0 = __rdtsc();
    do
        t1 = clock_ns(CLOCK_MONOTONIC);
    while (t1 - t0 < 200000 && t1 >= t0);
    c1 = __rdtsc();
    if (c1 <= c0 || t1 <= t0)
        goto out;
    clk.ns_mult = (uint64_t)(((unsigned __int128)(t1 - t0) << 32) / (c1 - c0));
    if (clk.ns_mult == 0)
        goto out;
    clk.short_ticks = (int64_t)(((unsigned __int128)FR_TRACE_SHORT_NS << 32) / clk.ns_mult);
    clk.tsc = 1;
out:
    if (f)
        fclose(f);
#endif
}

static int64_t ticks_ns(int64_t d)
{
    return (int64_t)(((unsigned __int128)d * clk.ns_mult) >> 32);
}

static unsigned char *lane_base(void *area, unsigned lane)
{
    return (unsigned char *)area + PAGE + (size_t)lane * tr.lane_size;
}

static void add(_Atomic uint64_t *p, uint64_t v, int excl)
{
    if (excl)
        atomic_store_explicit(p, atomic_load_explicit(p, memory_order_relaxed) + v,
                              memory_order_relaxed);
    else
        atomic_fetch_add_explicit(p, v, memory_order_relaxed);
}

static void charge(_Atomic uint64_t *cpu, int excl, int mod, int64_t ns)
{
    if (mod >= 0 && (unsigned)mod < tr.nmod && ns > 0)
        add(&cpu[mod], (uint64_t)ns, excl);
}

static int resolved(int cur)
{
    return cur == UNSET ? 0 : cur;
}

/* Charge @t's CPU since its last CPU clock read (@c now) to its module:
 * into its lane when @t is the calling thread, else into the shared one. */
static void tail(struct tstate *t, int64_t c, int self)
{
    int64_t last = atomic_load_explicit(&t->c_last, memory_order_relaxed);
    int64_t est = atomic_load_explicit(&t->est, memory_order_relaxed);
    int mod = resolved(atomic_load_explicit(&t->cur, memory_order_relaxed));

    if (c < 0)
        return;
    if (self)
        charge(t->cpu, t->excl, mod, c - last - est);
    else
        charge((_Atomic uint64_t *)lane_base(tr.own, 0), 0, mod, c - last - est);
    atomic_store_explicit(&t->c_last, c, memory_order_relaxed);
    atomic_store_explicit(&t->est, 0, memory_order_relaxed);
}

/* A thread that counted ends: its last stretch is charged, its lane freed,
 * and it leaves the list (its TLS goes with it). */
static void thread_gone(void *p)
{
    struct tstate *t = p;

    tail(t, clock_ns(CLOCK_THREAD_CPUTIME_ID), 1);
    pthread_mutex_lock(&threads_lock);
    if (t->prev)
        t->prev->next = t->next;
    else
        threads = t->next;
    if (t->next)
        t->next->prev = t->prev;
    if (t->excl)
        tr.lanes_used &= ~((uint64_t)1 << t->lane);
    t->reg = -1;
    pthread_mutex_unlock(&threads_lock);
}

static void make_key(void)
{
    if (pthread_key_create(&thread_key, thread_gone) != 0)
        fr__log("tracing: no thread key; CPU after a thread's last call is not counted");
}

/* The calling thread counts from now on, in a lane of its own if one is
 * free.  Its first stretch reads the CPU clock (w_last is 0). */
static void thread_register(struct tstate *t)
{
    pthread_once(&key_once, make_key);
    if (pthread_getcpuclockid(pthread_self(), &t->clk) != 0)
        t->clk = CLOCK_THREAD_CPUTIME_ID;
    pthread_mutex_lock(&threads_lock);
    t->lane = 0;
    t->excl = 0;
    for (unsigned l = 1; l < tr.nlanes; l++)
        if (!(tr.lanes_used & ((uint64_t)1 << l))) {
            tr.lanes_used |= (uint64_t)1 << l;
            t->lane = l;
            t->excl = 1;
            break;
        }
    t->cpu = (_Atomic uint64_t *)lane_base(tr.own, t->lane);
    t->edges = (struct fr_trace_edge *)(lane_base(tr.own, t->lane) + tr.edges_off);
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
        thread_register(t);
    }
    w = ticks();
    d = w - t->w_last;
    t->w_last = w;
    if (d >= 0 && d < clk.short_ticks) {
        d = ticks_ns(d);
        charge(t->cpu, t->excl, from, d);
        atomic_store_explicit(&t->est, atomic_load_explicit(&t->est, memory_order_relaxed) + d,
                              memory_order_relaxed);
    } else {
        tail(t, clock_ns(CLOCK_THREAD_CPUTIME_ID), 1);
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
    me.w_last = ticks();
    atomic_store_explicit(&me.c_last, clock_ns(CLOCK_THREAD_CPUTIME_ID), memory_order_relaxed);
    atomic_store_explicit(&me.est, 0, memory_order_relaxed);
    atomic_store_explicit(&me.cur, mod, memory_order_relaxed);
}

void fr__trace_count(int from, unsigned fn, uint64_t bytes_in, uint64_t bytes_out,
                     unsigned fds)
{
    struct tstate *t = &me;
    struct fr_trace_edge *e;

    FR_ASSERTF(from >= 0 && (unsigned)from < tr.nmod && fn < tr.nfn,
               "a traced call of function %u from module %d", fn, from);
    if (FR__UNLIKELY(t->reg <= 0)) {
        if (t->reg < 0)
            return;
        thread_register(t);
    }
    e = &t->edges[(size_t)from * tr.nfn + fn];
    add(&e->calls, 1, t->excl);
    add(&e->bytes_in, bytes_in, t->excl);
    add(&e->bytes_out, bytes_out, t->excl);
    if (fds)
        add(&e->fds, fds, t->excl);
}

void fr__trace_flush_threads(void)
{
    pthread_mutex_lock(&threads_lock);
    for (struct tstate *t = threads; t; t = t->next)
        tail(t, t == &me ? clock_ns(CLOCK_THREAD_CPUTIME_ID) : clock_ns(t->clk), t == &me);
    pthread_mutex_unlock(&threads_lock);
}

/* A process the program forked (without exec) shares its parent's lanes:
 * its threads count into the shared one. */
static void forked(void)
{
    tr.lanes_used = ~(uint64_t)0;
    if (me.reg > 0 && me.excl) {
        me.excl = 0;
        me.lane = 0;
        me.cpu = (_Atomic uint64_t *)lane_base(tr.own, 0);
        me.edges = (struct fr_trace_edge *)(lane_base(tr.own, 0) + tr.edges_off);
    }
}

void fr__trace_enable(int on)
{
    if (on && !tr.own)
        return;               /* no area to count into */
    for (unsigned m = 0; m < fr__rt.app->nmodules; m++)
        if (fr__remote[m] != 1 && fr__remote[m] != FR_REMOTE_CROWD)
            fr__remote[m] = on ? FR_REMOTE_TRACED : fr__remote_here(m);
    fr__trace_on = on;
}

/* The layout of an area for the module table: 0 or -E2BIG. */
static int layout(void)
{
    uint64_t nmod = fr__rt.app->nmodules, nfn = fr__rt.app->nfunctions, lane;

    tr.nmod = (unsigned)nmod;
    tr.nfn = (unsigned)nfn;
    tr.edges_off = (nmod * sizeof(uint64_t) + 63) & ~(size_t)63;
    lane = tr.edges_off + nmod * nfn * sizeof(struct fr_trace_edge);
    if (lane > LANE_MAX)
        return -E2BIG;
    tr.lane_size = (size_t)((lane + PAGE - 1) & ~(uint64_t)(PAGE - 1));
    tr.nlanes = (unsigned)(AREA_BUDGET / tr.lane_size);
    tr.nlanes = tr.nlanes < 1 ? 1 : tr.nlanes > LANES_MAX ? LANES_MAX : tr.nlanes;
    tr.size = PAGE + tr.nlanes * tr.lane_size;
    return 0;
}

static int map(int fd, void **base)
{
    *base = mmap(NULL, tr.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    return *base == MAP_FAILED ? -errno : 0;
}

static void adopt(void *base)
{
    clock_choose();
    tr.own = base;
    pthread_atfork(NULL, NULL, forked);
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
        tr.n = k + 1;
        if (ftruncate(tr.fd[k], (off_t)tr.size) < 0)
            return -errno;
        if ((rc = map(tr.fd[k], &tr.base[k])) < 0)
            return rc;
        hdr = tr.base[k];
        hdr[0] = AREA_MAGIC;
        hdr[1] = (uint64_t)tr.nmod << 32 | tr.nfn;
        hdr[2] = tr.nlanes;
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

int fr__trace_nareas(void)
{
    return tr.n;
}

void fr__trace_add_cpu(int k, uint64_t *cpu)
{
    if (!tr.base || k < 0 || k >= tr.n || !tr.base[k])
        return;
    for (unsigned l = 0; l < tr.nlanes; l++) {
        _Atomic uint64_t *c = (_Atomic uint64_t *)lane_base(tr.base[k], l);
        for (unsigned m = 0; m < tr.nmod; m++)
            cpu[m] = fr__sat_add(cpu[m], atomic_load_explicit(&c[m], memory_order_relaxed));
    }
}

void fr__trace_each_edge(int k, void (*fn)(void *ctx, size_t idx, const struct fr_trace_edge *e),
                         void *ctx)
{
    size_t sz = sizeof(struct fr_trace_edge), nedges = (size_t)tr.nmod * tr.nfn;

    if (!tr.base || k < 0 || k >= tr.n || !tr.base[k])
        return;
    for (unsigned l = 0; l < tr.nlanes; l++) {
        struct fr_trace_edge *edges =
            (struct fr_trace_edge *)(lane_base(tr.base[k], l) + tr.edges_off);
        off_t first = (off_t)((unsigned char *)edges - (unsigned char *)tr.base[k]);
        off_t pos = first, end = first + (off_t)(nedges * sz);
        while (pos < end) {
            off_t d = lseek(tr.fd[k], pos, SEEK_DATA), h;
            if (d < 0 && errno != ENXIO)
                d = pos;      /* no SEEK_DATA here: read it all */
            if (d < 0 || d >= end)
                break;        /* ENXIO: no data past pos */
            h = lseek(tr.fd[k], d, SEEK_HOLE);
            if (h < 0 || h > end)
                h = end;
            if (d < first)
                d = first;
            size_t i = (size_t)(d - first) / sz, upto = (size_t)(h - first + (off_t)sz - 1) / sz;
            for (; i < upto && i < nedges; i++)
                fn(ctx, i, &edges[i]);
            pos = h;
        }
    }
}
