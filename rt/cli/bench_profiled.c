/*
 * bench_profiled.c - the figures of `fracture bench` with the profiler on
 * (profile:, profile.h): stub_local_profiled and cross_null_profiled.  A
 * deployment is profiled from its start, its children too, so they are
 * timed in a run of their own, which the inner run starts in the middle
 * of its own figures (beside stub_local and cross_null) and reads the
 * figures of through a pipe: the bench re-executed once more with a
 * config that puts `far` in an FMP of its own and profiles.
 *
 * Each round begins with every span buffer empty (fr__prof_rewind): the
 * figure is the cost of recording, never of a full buffer's drop.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "peers.h"
#include "profile.h"

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void time_rounds(const char *name, void (*fn)(void), unsigned rounds, unsigned long iters)
{
    double v[rounds], med, p99;

    for (unsigned long i = 0; i < iters / 10 + 1; i++)   /* warm up */
        fn();
    for (unsigned k = 0; k < rounds; k++) {
        fr__prof_rewind();
        double t0 = now_ns();
        for (unsigned long i = 0; i < iters; i++)
            fn();
        v[k] = (now_ns() - t0) / (double)iters;
    }
    fr__stats(v, rounds, &med, &p99);
    printf("%s %.3f %.3f %u %lu\n", name, med, p99, rounds, iters);
}

static void call_stub(void) { fr_bench_near_null(); }
static void call_cross(void) { fr_bench_far_null(); }

int fr__bench_profiled_inner(int quick)
{
    unsigned rounds = quick ? 7 : 31;
    unsigned long q = quick ? 10 : 1;

    if (!fr__prof_on) {
        fprintf(stderr, "fracture: error: bench: its profiled run is not profiled\n");
        return 1;
    }
    time_rounds("stub_local_profiled", call_stub, rounds, 200000 / q);
    time_rounds("cross_null_profiled", call_cross, rounds, 40000 / q);
    fr__prof_rewind();        /* nothing to write at exit */
    fflush(stdout);
    return 0;
}

int fr__bench_profiled(char **argv, int quick, struct fr_bench_fig *figs, int max)
{
    /* a round of either figure fits a buffer: 2 records per call */
    static const char config[] = "version: 1\n"
                                 "defaults: {spin_us: 200}\n"
                                 "fmps:\n"
                                 "  - name: far\n"
                                 "    modules: [far]\n"
                                 "profile: {file: /dev/null, events: 1048576}\n";
    char path[64], line[256];
    int fd = memfd_create("fracture-bench-profiled.yaml", MFD_CLOEXEC), p[2], n = 0, status;
    pid_t pid, parent = getpid();
    FILE *f;

    if (fd < 0 || write(fd, config, sizeof config - 1) != (ssize_t)(sizeof config - 1) ||
        pipe2(p, O_CLOEXEC) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return -e;
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        /* its config and its stdout are inherited across the exec */
        int cfd = dup(fd), out = dup2(p[1], 1);
        if (cfd < 0 || out < 0)
            _exit(1);
        snprintf(path, sizeof path, "/proc/self/fd/%d", cfd);
        setenv("FRACTURE_CONFIG", path, 1);
        setenv("FRACTURE_BENCH_INNER", "profiled", 1);
        setenv("FRACTURE_BENCH_QUICK", quick ? "1" : "0", 1);
        execv("/proc/self/exe", argv - 1);
        _exit(1);
    }
    close(fd);
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -EAGAIN;
    }
    f = fdopen(p[0], "r");
    while (f && fgets(line, sizeof line, f)) {
        struct fr_bench_fig *g = &figs[n];
        if (n < max && sscanf(line, "%47s %lf %lf %u %lu", g->name, &g->median, &g->p99, &g->runs,
                              &g->iters) == 5)
            n++;
    }
    if (f)
        fclose(f);
    else
        close(p[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && n == 2 ? n : -EPROTO;
}
