/*
 * tracefile.h - the trace file (tracefile.c): every FMP's counters
 * (trace.h) summed by the root and written at exit as the JSON object of
 * partition/README.md, "Trace format (version 1)".
 */
#ifndef FR_TRACEFILE_H
#define FR_TRACEFILE_H

#include <stdint.h>
#include <stdio.h>

#include <fracture/abi.h>

/* One step of 64-bit FNV-1a over @n bytes at @p, from hash @h (start
 * from FR_FNV1A_BASIS). */
#define FR_FNV1A_BASIS 0xcbf29ce484222325ull
uint64_t fr__fnv1a(uint64_t h, const void *p, size_t n);

/* The app's identity in a trace (`app.id`): FNV-1a over the module table,
 * each module's name, a NUL and its caps (u32, little-endian), then each
 * function's name, a NUL, its module and its flags (u32 each,
 * little-endian), in table order.  A NULL name hashes as "". */
uint64_t fr__trace_app_id(const struct fr_app *app);

/* A trace as the writer takes it: @app's table, per module its CPU ns
 * (@cpu), per (from module, function) its counts (@edges[from *
 * nfunctions + fn]; a function whose name and callback flag another of
 * its module had first is counted under that one). */
struct fr_trace_counts {
    uint64_t calls, bytes_in, bytes_out, fds;
};
struct fr_trace_sum {
    const struct fr_app *app;
    const uint64_t *cpu;
    const struct fr_trace_counts *edges;
    uint64_t wall_ns;
};

/* Write @s to @f as one JSON object (format "fracture-trace", version 1):
 * every module in table order, then every edge called at least once, by
 * caller then function; calls within a module are no edge.  Numbers above
 * 2^63-1 are written as 2^63-1.  0, or -EIO when @f reports an error. */
int fr__trace_json(FILE *f, const struct fr_trace_sum *s);

/*
 * Root: write the trace to @path when the program ends (exit, a return
 * from main, a call that failed for good, a stop signal: not _exit nor a
 * crash of the root).  A relative @path is taken from the working
 * directory now.  @start_ns is when fr_main began (CLOCK_MONOTONIC).
 * 0 or a negative errno.
 */
int fr__trace_file_start(const char *path, int64_t start_ns);

/*
 * Root, once the children are stopped: sum every FMP's area and write the
 * trace (once; later calls do nothing).  A trace that cannot be written
 * is said on stderr, naming the file and the error; returns 0 or that
 * negative errno.
 */
int fr__trace_file_finish(void);

#endif /* FR_TRACEFILE_H */
