/*
 * trace.h - a training trace in memory: the module graph of one app as one
 * or more training runs saw it (README.md, "Trace format").  trace_read.c
 * fills it from the JSON files; everything after it (the cost model, the
 * cuts, the outputs) reads it and never changes it.
 */
#ifndef FR_TRACE_H
#define FR_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A module's caps, as the trace names them. */
enum {
    FR_CAP_RESTARTABLE = 1u << 0,
    FR_CAP_REPLICABLE = 1u << 1,
    FR_CAP_SAMPLABLE = 1u << 2,
};

struct fr_tmodule {
    char *name;
    unsigned caps;            /* FR_CAP_* */
    int64_t cpu_ns;           /* its own code's CPU time, summed over runs */
};

/* One (caller module, callee function, callback or not) edge. */
struct fr_tedge {
    size_t from, to;          /* indexes into modules[] */
    char *function;
    bool callback;
    int64_t calls, bytes_in, bytes_out, fds;
};

struct fr_trace {
    char *app_name, *app_id;
    char **files;             /* the traces added, in order */
    size_t nfiles;
    int64_t runs, wall_ns;
    struct fr_tmodule *modules;   /* in table order; modules[main_index] is main */
    size_t nmodules, main_index;
    struct fr_tedge *edges;
    size_t nedges;
};

/* fr__trace_module - the index of module @name in @t, or -1. */
long fr__trace_module(const struct fr_trace *t, const char *name);

/* fr__cap_name - "restartable", "replicable" or "samplable" for one
 * FR_CAP_* bit (NULL for anything else). */
const char *fr__cap_name(unsigned cap);

/* fr__cap_parse - the FR_CAP_* bit a trace's caps[] entry names, or 0. */
unsigned fr__cap_parse(const char *name);

#endif /* FR_TRACE_H */
