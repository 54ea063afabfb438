/*
 * bench_run.c - the measuring run of `fracture bench` (bench.c), the
 * program fracture-bench: a fractured program (bench_app.c) whose config
 * puts `far` in an FMP of its own.  It times a direct call, a same-FMP
 * stub (untraced, and traced as a training run counts it), cross-FMP calls
 * (and a stub and a cross-FMP call with the profiler on, in a run of their
 * own: bench_profiled.c), and the transports a user would pick instead
 * (peers.c), each as the median (and p99) over rounds of many calls.  It
 * then lets everything go idle and measures the CPU the idle app uses, the
 * private memory of the idle child and the shared memory one channel holds
 * before and after large payloads; last, crashes of `far`.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fracture/hook.h>

#include "bench.h"
#include "peers.h"
#include "state.h"
#include "lthread.h"
#include "trace.h"

struct result {
    const char *name;
    double median, p99;
    unsigned runs;
    unsigned long iters;
};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void *inout_buf;
static size_t inout_n;

static void call_direct(void) { fr_bench_direct_null(); }

static int noop_hook(const struct fr_hook_call *hc, void *ud)
{
    (void)hc;
    (void)ud;
    return 0;
}
static void call_stub(void) { fr_bench_near_null(); }
static void call_cross(void) { fr_bench_far_null(); }
static void call_inout(void) { fr_bench_far_inout(inout_buf, inout_n); }
static int lent_fd = -1;
static void call_fd(void) { fr_bench_far_fd(lent_fd); }
static void call_rep(void) { fr_bench_rep_null(); }
static void call_samp1(void) { fr_bench_samp1_null(); }
static void call_boxed(void) { fr_bench_boxed_null(); }
static void call_samp5(void) { fr_bench_samp5_null(); }

static void time_calls(struct result *r, const char *name, void (*fn)(void),
                       unsigned rounds, unsigned long iters)
{
    double v[rounds];

    for (unsigned long i = 0; i < iters / 10 + 1; i++)   /* warm up */
        fn();
    for (unsigned k = 0; k < rounds; k++) {
        double t0 = now_ns();
        for (unsigned long i = 0; i < iters; i++)
            fn();
        v[k] = (now_ns() - t0) / (double)iters;
    }
    r->name = name;
    r->runs = rounds;
    r->iters = iters;
    fr__stats(v, rounds, &r->median, &r->p99);
}

/*
 * cross_null and raw_pingpong, round by round in turn (a raw round forks
 * its server afresh), and the median of the rounds' ratios: on a machine
 * whose two cores the hypervisor moves (sharing a core's caches or not),
 * a ping-pong's figure moves with them, and a ratio of figures timed
 * seconds apart compares two placements.  Returns the ratio (NAN when
 * the raw ping-pong failed).
 */
static double time_cross_vs_raw(struct result *cross, struct result *raw, unsigned rounds,
                                unsigned long iters)
{
    double vc[rounds], vr[rounds], ratio[rounds], med, p99;
    int failed = 0;

    for (unsigned long i = 0; i < iters / 10 + 1; i++)   /* warm up */
        call_cross();
    for (unsigned k = 0; k < rounds; k++) {
        double t0 = now_ns();
        for (unsigned long i = 0; i < iters; i++)
            call_cross();
        vc[k] = (now_ns() - t0) / (double)iters;
        int rc = failed ? -1 : fr__peer_bench(FR_PEER_RAW_PINGPONG, 1, (unsigned)iters, &vr[k]);
        if (rc < 0 && !failed) {
            fprintf(stderr, "fracture: warning: bench: raw_pingpong: %s\n", strerror(-rc));
            failed = 1;
        }
        if (failed)
            vr[k] = NAN;
        ratio[k] = vc[k] / vr[k];
    }
    *cross = (struct result){ "cross_null", 0, 0, rounds, iters };
    *raw = (struct result){ "raw_pingpong", 0, 0, rounds, iters };
    fr__stats(vc, rounds, &cross->median, &cross->p99);
    fr__stats(vr, rounds, &raw->median, &raw->p99);
    if (failed)
        return raw->median = raw->p99 = NAN;
    fr__stats(ratio, rounds, &med, &p99);
    return med;
}

static int time_peer(struct result *r, enum fr_peer_kind k, unsigned rounds, unsigned iters)
{
    double v[rounds];
    int rc = fr__peer_bench(k, rounds, iters, v);

    r->name = fr__peer_name(k);
    r->runs = rounds;
    r->iters = iters;
    if (rc < 0) {
        /* the table still has its line (NaN), the JSON its name: say why */
        fprintf(stderr, "fracture: warning: bench: %s: %s\n", r->name, strerror(-rc));
        r->median = r->p99 = NAN;
        return rc;
    }
    fr__stats(v, rounds, &r->median, &r->p99);
    return 0;
}

/*
 * Crash to replayed reply: a call hangs in the far FMP, the FMP is killed
 * (SIGKILL, from this process's other thread), the root's supervisor
 * restarts it and the call is replayed into the new incarnation, which
 * answers at once.  Timed from the kill to the reply.
 */
struct hang_call {
    pthread_t thread;
    int victim;
    _Atomic int done;
    double returned_ns;
};

static void *hang_caller(void *arg)
{
    struct hang_call *h = arg;

    fr_bench_far_hang(h->victim);
    h->returned_ns = now_ns();
    atomic_store(&h->done, 1);
    return NULL;
}

/* restart: crash to replayed reply; restart_notice: crash to the root
 * knowing of it (the threads' robust futexes, deathwatch.c, or the
 * reaping); restart_exit: crash to the reaping, the kernel's part. */
static int time_restart(struct result *r, struct result *exit_r, struct result *notice_r,
                        unsigned rounds)
{
    double v[rounds], gone[rounds], noticed[rounds];

    for (unsigned k = 0; k < rounds; k++) {
        struct hang_call h = { .victim = fr__rt.fmps[1].pid };
        /* let the call reach its callee, and the spare of the last restart
         * get ready: crashes do not come back to back */
        struct timespec pause_ts = { 0, 100000000 };
        if (pthread_create(&h.thread, NULL, hang_caller, &h) != 0)
            return -EAGAIN;
        nanosleep(&pause_ts, NULL);
        double t0 = now_ns();
        kill(h.victim, SIGKILL);
        pthread_join(h.thread, NULL);
        v[k] = h.returned_ns - t0;
        noticed[k] = (double)atomic_load(&fr__rt.fmps[1].noticed_ns) - t0;
        /* the supervisor reaped the victim: the kernel's part is over (it
         * may come after the reply, the death being known before) */
        for (int w = 0; w < 2000 && (double)atomic_load(&fr__rt.fmps[1].reaped_ns) < t0; w++)
            usleep(1000);
        gone[k] = (double)atomic_load(&fr__rt.fmps[1].reaped_ns) - t0;
    }
    r->name = "restart";
    exit_r->name = "restart_exit";
    notice_r->name = "restart_notice";
    r->runs = exit_r->runs = notice_r->runs = rounds;
    r->iters = exit_r->iters = notice_r->iters = 1;
    fr__stats(v, rounds, &r->median, &r->p99);
    fr__stats(gone, rounds, &exit_r->median, &exit_r->p99);
    fr__stats(noticed, rounds, &notice_r->median, &notice_r->p99);
    return 0;
}

static const struct result *find(const struct result *res, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(res[i].name, name) == 0)
            return &res[i];
    return NULL;
}

/* Resident bytes of the calling thread's channel to the far FMP. */
static uint64_t channel_bytes(void)
{
    int err = 0;
    struct fr_lt *lt = fr__lt_current(&err);
    uint64_t bytes = 0;

    if (!lt || fr__rt.nregions < 1)
        return 0;
    fr__resident_bytes(fr__slot(fr__rt.regions[0].base, &fr__rt.geom, lt->id),
                       fr__rt.geom.slot_size, &bytes);
    return bytes;
}

static void print_json(const struct result *res, int n, double idle_pct,
                       uint64_t child_kb, uint64_t chan_small, uint64_t chan_large,
                       double gbps, double ratio)
{
    printf("{\"results\": [");
    for (int i = 0; i < n; i++) {
        /* a peer that failed has NaN, which JSON cannot say: null */
        char med[32] = "null", p99[32] = "null";
        if (isfinite(res[i].median))
            snprintf(med, sizeof med, "%.1f", res[i].median);
        if (isfinite(res[i].p99))
            snprintf(p99, sizeof p99, "%.1f", res[i].p99);
        printf("%s\n  {\"name\": \"%s\", \"median_ns\": %s, \"p99_ns\": %s, \"runs\": %u, "
               "\"calls_per_run\": %lu}",
               i ? "," : "", res[i].name, med, p99, res[i].runs, res[i].iters);
    }
    char rs[32] = "null", ws[32] = "null";
    const struct result *cross = find(res, n, "cross_null"), *raw = find(res, n, "raw_pingpong");
    if (isfinite(ratio))
        snprintf(rs, sizeof rs, "%.3f", ratio);
    /* what the call itself adds to the round trip (the text's line under
     * a missed ratio says why it is the figure to read) */
    if (isfinite(raw->median))
        snprintf(ws, sizeof ws, "%.1f", cross->median - raw->median);
    printf("\n],\n\"figures\": {\"idle_cpu_percent\": %.3f, \"idle_child_private_kib\": %llu, "
           "\"channel_kib_small_calls\": %.1f, \"channel_kib_after_1m\": %.1f, "
           "\"inout_1m_gb_per_s_each_way\": %.2f, \"cross_null_over_raw_pingpong\": %s, "
           "\"cross_null_work_ns\": %s}}\n",
           idle_pct, (unsigned long long)child_kb, (double)chan_small / 1024,
           (double)chan_large / 1024, gbps, rs, ws);
}

/* One line of the targets; where it is missed, @why (or NULL) says what
 * this machine allows at best. */
static void target(const char *what, double value, const char *unit, const char *cmp,
                   double goal, const char *why)
{
    int ok = strcmp(cmp, "<=") == 0 ? value <= goal
           : strcmp(cmp, ">") == 0  ? value > goal
                                    : value >= goal;
    printf("  %-48s %10.2f%-4s target %s %g%s  %s\n", what, value, unit, cmp, goal, unit,
           ok ? "met" : "MISSED");
    if (!ok && why)
        printf("  %-34s (%s)\n", "", why);
}

static int inner(char **argv, int json, int quick)
{
    struct result res[26];
    int n = 0;
    unsigned rounds = quick ? 7 : 31;
    unsigned long q = quick ? 10 : 1;
    double idle_pct;
    uint64_t child_kb = 0, chan_small, chan_large, cpu0[2], cpu1[2];

    if (!fr__rt.active || fr__rt.nfmps < 2) {
        fprintf(stderr, "fracture: error: bench: its far FMP did not start\n");
        return 1;
    }
    if (!json && isatty(2))
        fprintf(stderr, "measuring (about %s)...\n", quick ? "5 s" : "40 s");
    time_calls(&res[n++], "direct", call_direct, rounds, 2000000 / q);
    time_calls(&res[n++], "stub_local", call_stub, rounds, 2000000 / q);
    /* The same stub in a traced deployment (trace:, trace.h): it marshals
     * and runs the dispatcher here, and counts.  Tracing is on for this
     * figure only: the figures around it are untraced. */
    if (fr__trace_setup(1) == 0) {
        fr__trace_enable(1);
        time_calls(&res[n++], "stub_local_traced", call_stub, rounds, 200000 / q);
        fr__trace_enable(0);
    }
    /* The same stub with one no-op hook on its module (hook.h): the call
     * takes the local marshalling path and runs the agent and shadow
     * actions here.  Registered for this figure only. */
    struct fr_hook near_hook = { .functions = "near_null", .agent_before = noop_hook,
                                 .agent_after = noop_hook };
    int hook_id;
    if (fr_hook_register(&near_hook, &hook_id) == 0) {
        time_calls(&res[n++], "stub_local_hook", call_stub, rounds, 200000 / q);
        fr_hook_unregister(hook_id);
    }
    double ratio = time_cross_vs_raw(&res[n], &res[n + 1], rounds, 40000 / q);
    n += 2;
    /* cross_null with a no-op agent here and a no-op shadow in far's FMP */
    struct fr_hook far_hook = { .functions = "far_null", .agent_before = noop_hook,
                                .agent_after = noop_hook };
    if (fr_bench_far_hook(1) == 0 && fr_hook_register(&far_hook, &hook_id) == 0) {
        time_calls(&res[n++], "cross_null_hook", call_cross, rounds, 40000 / q);
        fr_hook_unregister(hook_id);
    }
    fr_bench_far_hook(0);
    /* The same two with the profiler on (profile:): a run of their own,
     * as a profiled deployment is profiled from its start. */
    struct fr_bench_fig figs[2];
    int nfig = fr__bench_profiled(argv, quick, figs, 2);
    if (nfig < 0)
        fprintf(stderr, "fracture: warning: bench: the profiled figures: %s\n", strerror(-nfig));
    for (int i = 0; i < nfig; i++)
        res[n++] = (struct result){ figs[i].name, figs[i].median, figs[i].p99, figs[i].runs,
                                    figs[i].iters };
    chan_small = channel_bytes();
    /* the same call into an FMP under a seccomp filter */
    time_calls(&res[n++], "cross_null_sandboxed", call_boxed, rounds, 40000 / q);
    /* policies, beside plain isolation: every call to three replicas; one
     * call in 100 (in 20) to an instance under memcheck */
    time_calls(&res[n++], "cross_null_replicate3", call_rep, rounds, 20000 / q);
    if (fr__rt.ngroups > 1) {
        time_calls(&res[n++], "cross_null_sample_1pct_memcheck", call_samp1, rounds, 4000 / q);
        time_calls(&res[n++], "cross_null_sample_5pct_memcheck", call_samp5, rounds, 4000 / q);
    }
    /* a null call lending one descriptor: SCM_RIGHTS both ways of the
     * region's socket, the callee's duplicate closed after the call */
    lent_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (lent_fd >= 0) {
        time_calls(&res[n++], "cross_fd", call_fd, rounds, 20000 / q);
        close(lent_fd);
    }
    inout_buf = calloc(1, (size_t)1 << 20);
    inout_n = 4096;
    time_calls(&res[n++], "cross_inout_4k", call_inout, rounds, 10000 / q);
    inout_n = (size_t)1 << 20;
    time_calls(&res[n++], "cross_inout_1m", call_inout, rounds, 200 / q);
    chan_large = channel_bytes();
    free(inout_buf);
    time_peer(&res[n++], FR_PEER_SOCKETPAIR, rounds, 4000 / (unsigned)q);
    time_peer(&res[n++], FR_PEER_PIPE, rounds, 4000 / (unsigned)q);
    time_peer(&res[n++], FR_PEER_ZMQ, rounds, 1000 / (unsigned)q);
    time_peer(&res[n++], FR_PEER_ICEORYX, rounds, 4000 / (unsigned)q);
    time_peer(&res[n++], FR_PEER_NNG, rounds, 1000 / (unsigned)q);

    /* Idle: let every spinner fall asleep, then count CPU for a while. */
    pid_t child = fr__rt.fmps[1].pid;
    usleep(200000);
    fr__proc_cpu_ns(getpid(), &cpu0[0]);
    fr__proc_cpu_ns(child, &cpu0[1]);
    double t0 = now_ns();
    usleep(quick ? 500000 : 2000000);
    fr__proc_cpu_ns(getpid(), &cpu1[0]);
    fr__proc_cpu_ns(child, &cpu1[1]);
    idle_pct = 100.0 * (double)((cpu1[0] - cpu0[0]) + (cpu1[1] - cpu0[1])) / (now_ns() - t0);
    fr__proc_private_kb(child, &child_kb);

    /* Last: it replaces the child measured above. */
    if (time_restart(&res[n], &res[n + 1], &res[n + 2], rounds) == 0)
        n += 3;

    const struct result *direct = find(res, n, "direct"), *stub = find(res, n, "stub_local"),
                        *cross = find(res, n, "cross_null"), *raw = find(res, n, "raw_pingpong"),
                        *m1 = find(res, n, "cross_inout_1m");
    double gbps = 2.0 * (double)(1 << 20) / m1->median;   /* bytes/ns = GB/s */

    if (json) {
        print_json(res, n, idle_pct, child_kb, chan_small, chan_large, gbps, ratio);
        return 0;
    }
    printf("%-32s %12s %12s %6s %14s\n", "name", "median", "p99", "runs", "vs cross_null");
    for (int i = 0; i < n; i++)
        printf("%-32s %10.1fns %10.1fns %6u %13.2fx\n", res[i].name, res[i].median, res[i].p99,
               res[i].runs, res[i].median / cross->median);
    printf("\ntargets (DESIGN.md, measured above in this run):\n");
    target("same-FMP stub / direct call", stub->median / direct->median, "x", "<=", 1.1, NULL);
    /* the median of ratios of rounds timed in turn (time_cross_vs_raw);
     * missed, what bounds it: the call's own work against the round trip,
     * which the placement of the two processes sets */
    char work[200];
    snprintf(work, sizeof work, "the call's own work, cross_null - raw_pingpong, is %.0f ns; "
             "1.5x needs it within half the round trip, %.0f ns here", cross->median - raw->median,
             raw->median / 2);
    target("cross-FMP null call / raw shm ping-pong", ratio, "x", "<=", 1.5, work);
    printf("  %-48s %14s goal   <= 1.2x  %s\n", "", "", ratio <= 1.2 ? "met" : "not yet");
    /* faster than each peer: peer / cross_null above 1, and beside it what
     * the limit (raw ping-pong) gets against the same peer */
    static const char *const peers[] = { "socketpair", "pipe", "zmq", "iceoryx", "nng" };
    for (size_t k = 0; k < sizeof peers / sizeof peers[0]; k++) {
        const struct result *pr = find(res, n, peers[k]);
        char what[64], why[160];
        if (!pr)
            continue;
        snprintf(what, sizeof what, "%s RPC / cross-FMP null call", pr->name);
        snprintf(why, sizeof why, "the limit, a raw shm ping-pong, is %.2fx faster than %s",
                 pr->median / raw->median, pr->name);
        target(what, pr->median / cross->median, "x", ">", 1, NULL);
        printf("  %-34s (%s)\n", "", why);
    }
    target("1 MiB FR_INOUT, each way", gbps, "GB/s", ">=", 2, NULL);
    const struct result *rs = find(res, n, "restart");
    const struct result *rx = find(res, n, "restart_exit");
    const struct result *rn = find(res, n, "restart_notice");
    if (rs && rx && rn) {
        char why[200];
        snprintf(why, sizeof why, "the root knew of the crash after %.2f ms (restart_notice); "
                 "the kernel took %.2f ms to end the killed FMP (restart_exit)",
                 rn->median / 1e6, rx->median / 1e6);
        target("crash to replayed reply (median)", rs->median / 1e6, "ms", "<=", 1, why);
        target("crash to replayed reply (p99)", rs->p99 / 1e6, "ms", "<=", 3, why);
        printf("  %-48s %14s goal   <= 0.3ms %s\n", "", "",
               rs->median / 1e6 <= 0.3 ? "met" : "not yet");
    }
    target("idle app CPU (root + child)", idle_pct, "%", "<=", 0.1, NULL);
    target("idle child FMP private memory", (double)child_kb / 1024, "MiB", "<=", 4, NULL);
    target("shared memory of a channel (small calls)", (double)chan_small / 1024, "KiB", "<=", 256,
           NULL);
    target("shared memory of a channel (after 1 MiB)", (double)chan_large / 1024, "KiB", "<=",
           (double)fr__rt.geom.slot_size / 1024, NULL);
    return 0;
}

int fr__bench_run(int argc, char **argv)
{
    const char *mode = getenv("FRACTURE_BENCH_INNER");
    int json = 0, quick = 0;

    if (!mode) {
        fprintf(stderr, "fracture-bench: error: it is the measuring run of `fracture bench`; "
                "run that instead\n");
        return 2;
    }
    /* the options `fracture bench` checked */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
    }
    if (strcmp(mode, "profiled") == 0) {
        const char *qs = getenv("FRACTURE_BENCH_QUICK");
        return fr__bench_profiled_inner(qs && strcmp(qs, "1") == 0);
    }
    unsetenv("FRACTURE_BENCH_INNER");
    return inner(argv, json, quick);
}
