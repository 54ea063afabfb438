/*
 * crowdcut.h - `fracture partition --crowd`: for each module of a crowd's
 * rotation (configs/README.md, "Crowd"), the cheapest FMP that holds it
 * under the sample policy and the crowd's environment, as the exact
 * minimum cut of --isolate finds it one module at a time; written as the
 * `crowd:` block whose `with:` lists carry those boundaries to every
 * deployment.
 *
 * The cut is computed once, where the training trace and this machine's
 * figures are, and not at each deployment's start: every deployment of the
 * crowd then isolates the same boundary for the same module, and a
 * deployment starts without reading a trace or measuring anything.
 */
#ifndef FR_PARTITION_CROWD_H
#define FR_PARTITION_CROWD_H

#include <stdio.h>

#include "partition.h"

struct fr_crowd_pick {
    size_t module;            /* index in the trace */
    int *part;                /* per module: 1 with it, 0 the root */
    struct fr_place_cost cost;
};

struct fr_crowd_plan {
    struct fr_crowd_pick *picks;
    size_t npicks;
    unsigned percent;
};

/*
 * fr__crowd_plan - solve @p (its cost, env and figures set; terms the
 * rotation's modules, or none for every module the sample policy may take
 * out of the root) one module at a time, into @out under @ctx.  0, or a
 * negative errno with the reason in @e (a module named that may not be
 * sampled: a usage error).
 */
int fr__crowd_plan(void *ctx, struct fr_problem *p, unsigned percent,
                   struct fr_crowd_plan *out, struct fr_perr *e);

/* fr__crowd_yaml - the deployment: version, the crowd block with comments
 * giving each boundary's predicted cost; under @ctx, NULL without memory. */
char *fr__crowd_yaml(void *ctx, const struct fr_problem *p, const struct fr_crowd_plan *c);

/* fr__crowd_text - the same for a terminal: one line per module. */
void fr__crowd_text(FILE *f, const struct fr_problem *p, const struct fr_crowd_plan *c,
                    const char *written);

/* fr__crowd_json - the same as one JSON object (--json). */
void fr__crowd_json(FILE *f, const struct fr_problem *p, const struct fr_crowd_plan *c,
                    const char *written);

#endif /* FR_PARTITION_CROWD_H */
