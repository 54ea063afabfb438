/*
 * isolate.h - the cheapest split of an app's modules into two sides, as an
 * exact minimum s-t cut (maxflow.h) over the traced graph and the cost
 * model (cost.h).
 *
 * One side holds child FMPs, the other is the root (or stands for
 * everything that is not this FMP, in the isolation heuristic of
 * multiway.c).  Which side is the root matters because the costs are not
 * symmetric: a module on the child side pays its environment, and a call
 * into the child side is made once per replica.  Modules may be fixed to
 * a side (the isolated module to its FMP; main and every module lacking
 * the policy's cap to the root).
 */
#ifndef FR_ISOLATE_H
#define FR_ISOLATE_H

#include <stdbool.h>

#include "cost.h"
#include "perr.h"
#include "trace.h"

enum { FR_SIDE_FREE = 0, FR_SIDE_S = 1, FR_SIDE_T = -1 };

/*
 * fr__isolate_cut - the minimum cut with every module @fixed to a side
 * where it says so (FR_SIDE_S / FR_SIDE_T), the root being S when
 * @s_is_root, else T.  Sets in_s[m] for each module on the S side (of the
 * minimum cuts, the one with the fewest modules on S) and *value to the
 * cut's cost in ns.  At least one module must be fixed to each side.
 * Scratch memory lives in @ctx and is freed before return.  Returns 0, or
 * -ENOMEM / -EINVAL with the reason in @e.
 */
int fr__isolate_cut(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                    const signed char *fixed, bool s_is_root, bool *in_s, double *value,
                    struct fr_perr *e);

#endif /* FR_ISOLATE_H */
