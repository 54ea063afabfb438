/*
 * bench.h - the measuring run fracture-bench: what bench_run.c calls in
 * bench_app.c and bench_profiled.c, and its entry points.
 */
#ifndef FR_BENCH_H
#define FR_BENCH_H

#include <stddef.h>

void fr_bench_direct_null(void);
void fr_bench_near_null(void);
void fr_bench_far_null(void);
void fr_bench_far_inout(void *buf, size_t n);
void fr_bench_far_fd(int fd);
void fr_bench_far_hang(int victim);
/* A no-op shadow hook on far_null in far's FMP (@on), or none: 0 or -errno. */
int fr_bench_far_hook(int on);
void fr_bench_rep_null(void);
void fr_bench_samp1_null(void);
void fr_bench_samp5_null(void);
void fr_bench_boxed_null(void);

/* bench_app.c: the program's main, the fractured entry point. */
int fr_bench_main(int argc, char **argv);
/* bench_run.c: the run itself, argv[0] "bench" and the options that
 * `fracture bench` checked; its exit status. */
int fr__bench_run(int argc, char **argv);

/* bench_profiled.c: the figures with the profiler on. */
struct fr_bench_fig {
    char name[48];
    double median, p99;
    unsigned runs;
    unsigned long iters;
};
/* The inner run: time stub_local_profiled and cross_null_profiled in a
 * profiled run of the bench of their own (@argv, the bench's arguments
 * after the command), into @figs[0..@max).  Their number (2), or a
 * negative errno. */
int fr__bench_profiled(char **argv, int quick, struct fr_bench_fig *figs, int max);
/* That run itself (FRACTURE_BENCH_INNER=profiled): prints the figures, one
 * a line.  Its exit status. */
int fr__bench_profiled_inner(int quick);

#endif
