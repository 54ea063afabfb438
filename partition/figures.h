/*
 * figures.h - this machine's price of a crossing: the per-call and
 * per-byte costs of the cost model (cost.h), from `fracture bench`.
 *
 *   per call = median(cross_null) - median(stub_local)
 *              (what a call costs more across FMPs than through a local stub)
 *   per byte = (median(cross_inout_1m) - median(cross_null)) / (2 x 1 MiB)
 *              (a 1 MiB FR_INOUT call carries 1 MiB each way)
 *   per descriptor = median(cross_fd) - median(cross_null)
 *              (a null call lending one FR_FD; 0 from a bench without it)
 *
 * The bench's output comes from --bench FILE, else from the cache
 * ($XDG_CACHE_HOME/fracture/bench.json, or ~/.cache/...), else from a run
 * of `fracture bench --quick --json` now, which is then cached.
 * --call-ns, --byte-ns and --fd-ns override each figure; with the first
 * two, no bench is read or run (and a descriptor costs --fd-ns, else 0).
 */
#ifndef FR_FIGURES_H
#define FR_FIGURES_H

#include <stdbool.h>
#include <stddef.h>

#include "perr.h"

struct fr_figures_opts {
    const char *bench_file;   /* --bench, or NULL */
    bool call_set, byte_set, fd_set;  /* --call-ns / --byte-ns / --fd-ns given */
    double call_ns, byte_ns, fd_ns;
    const char *self;         /* the fracture binary that measures */
    bool progress;            /* say on stderr that it measures (a terminal) */
};

struct fr_figures {
    double call_ns, byte_ns, fd_ns;
    char *call_from, *byte_from, *fd_from;  /* how each was found, for the outputs */
    char *bench;              /* where the bench's figures came from, NULL if unused */
};

/* The medians the model uses, from one `fracture bench --json` output. */
struct fr_bench_medians {
    double cross_null, stub_local, cross_inout_1m;
    double cross_fd;          /* negative: the bench has no such figure */
};

/*
 * fr__bench_parse - the medians in @len bytes of @text, the output of
 * `fracture bench --json` read from @name.  0, or -EINVAL with the reason
 * (the JSON path of what is missing or wrong) in @e.
 */
int fr__bench_parse(const char *name, const char *text, size_t len,
                    struct fr_bench_medians *out, struct fr_perr *e);

/* fr__bench_cache_path - where measured figures are cached, under @ctx;
 * NULL when neither XDG_CACHE_HOME (absolute) nor a home is known. */
char *fr__bench_cache_path(void *ctx);

/*
 * fr__figures_get - the per-call and per-byte costs as @o says (file,
 * cache, measurement, overrides); the strings of @out live in @ctx.
 * 0, or a negative errno with the reason in @e.
 */
int fr__figures_get(void *ctx, const struct fr_figures_opts *o, struct fr_figures *out,
                    struct fr_perr *e);

#endif /* FR_FIGURES_H */
