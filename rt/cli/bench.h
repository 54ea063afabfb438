/*
 * bench.h - what bench.c calls in bench_app.c.
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

#endif
