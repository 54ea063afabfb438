/*
 * graphs.h - traces built in code for the partitioner's unit tests: a
 * module table and edges, with main first.
 */
#ifndef FR_TEST_GRAPHS_H
#define FR_TEST_GRAPHS_H

#include <stdint.h>
#include <string.h>

#include <talloc.h>

#include "trace.h"

struct gmod {
    const char *name;
    unsigned caps;
    int64_t cpu_ns;
};

struct gedge {
    const char *from, *to, *function;
    int64_t calls, bytes_in, bytes_out;
};

#define ALL_CAPS (FR_CAP_RESTARTABLE | FR_CAP_REPLICABLE | FR_CAP_SAMPLABLE)

/* A trace of @nm modules (mods[0] must be main) and @ne edges, under @ctx. */
static inline struct fr_trace *graph(void *ctx, const struct gmod *mods, size_t nm,
                                     const struct gedge *edges, size_t ne, int64_t wall_ns)
{
    struct fr_trace *t = talloc_zero(ctx, struct fr_trace);

    t->app_name = talloc_strdup(t, "test");
    t->app_id = talloc_strdup(t, "0123456789abcdef");
    t->runs = 1;
    t->wall_ns = wall_ns;
    t->modules = talloc_zero_array(t, struct fr_tmodule, nm);
    t->nmodules = nm;
    for (size_t i = 0; i < nm; i++) {
        t->modules[i].name = talloc_strdup(t, mods[i].name);
        t->modules[i].caps = mods[i].caps;
        t->modules[i].cpu_ns = mods[i].cpu_ns;
    }
    t->edges = talloc_zero_array(t, struct fr_tedge, ne ? ne : 1);
    t->nedges = ne;
    for (size_t i = 0; i < ne; i++) {
        t->edges[i].from = (size_t)fr__trace_module(t, edges[i].from);
        t->edges[i].to = (size_t)fr__trace_module(t, edges[i].to);
        t->edges[i].function = talloc_strdup(t, edges[i].function);
        t->edges[i].calls = edges[i].calls;
        t->edges[i].bytes_in = edges[i].bytes_in;
        t->edges[i].bytes_out = edges[i].bytes_out;
    }
    return t;
}

#endif /* FR_TEST_GRAPHS_H */
