/*
 * plan.h - the layout a config gives an app: which FMPs exist, where each
 * module runs, which pairs of FMPs get a region, and the channel geometry.
 *
 * The root builds it from the config; each child gets it, not the config,
 * through FRACTURE_PLAN (so a child never re-reads a file that may have
 * changed), together with the descriptors of its own regions only.
 */
#ifndef FR_PLAN_H
#define FR_PLAN_H

#include <stdint.h>

#include <fracture/abi.h>

#include "config.h"
#include "group.h"
#include "state.h"

struct fr_plan {
    int nfmps;
    char (*names)[FR_FMP_NAME_MAX];
    const struct fr_fmp_conf **conf;   /* root only: config entry per FMP, NULL for an implicit root */
    int *fmp_of_module;
    int *retries;             /* per FMP: replays of one call, -1: not restartable */
    int *abort_exhausted;     /* per FMP: on_exhausted: abort */
    uint8_t *pair;            /* nfmps * nfmps: a region between i and j */
    struct fr_group *groups;  /* replicated and sampled FMPs (group.h) */
    int ngroups;
    unsigned spin_us, max_threads, call_timeout_ms;
    uint64_t channel_bytes, max_payload;
    int watch_fd;             /* of one child's plan: its deathwatch table (deathwatch.h), -1: none */
    int trace_fd;             /* of one child's plan: its trace area (trace.h), -1: not traced */
    int prof_fd;              /* of one child's plan: its span buffer (profile.h), -1: none;
                               * only with a trace area */
};

/* Build the plan of a checked @cfg for @app; memory under @ctx. */
int fr__plan_build(void *ctx, const struct fr_config *cfg, const struct fr_app *app,
                   struct fr_plan *p);

/* A region's descriptors as a child receives them. */
struct fr_plan_region {
    int peer, memfd, sock;
};

/*
 * Encode the plan for child @self: a string (talloc, under @ctx) for
 * FRACTURE_PLAN.  @regions are the child's own (peer, memfd, sock), @ctl its
 * control socket.
 */
char *fr__plan_encode(void *ctx, const struct fr_plan *p, int self, pid_t root,
                      const struct fr_plan_region *regions, int nregions, int ctl);

/* Decode FRACTURE_PLAN; checks it against @app.  0 or -EINVAL. */
int fr__plan_decode(void *ctx, const char *s, const struct fr_app *app, struct fr_plan *p,
                    int *self, pid_t *root, struct fr_plan_region **regions,
                    int *nregions, int *ctl);

#endif /* FR_PLAN_H */
