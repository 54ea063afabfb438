/*
 * maxflow.h - maximum flow and minimum s-t cut on a small directed graph
 * with real (double) capacities: Dinic's algorithm.
 *
 * The partitioner's networks have a node per module and an arc per traced
 * edge, so they are small; what matters is that the cut is exact and that
 * of all minimum cuts the one returned has the smallest source side (the
 * fewest modules moved).  Capacities are doubles because costs are ns with
 * fractions (a byte costs a fraction of a ns); FR_FLOW_INF stands for an
 * arc no cut may take.  Residuals below a tolerance relative to the sum of
 * finite capacities count as zero, so rounding never makes a saturated arc
 * look open.
 */
#ifndef FR_MAXFLOW_H
#define FR_MAXFLOW_H

#include <math.h>
#include <stdbool.h>

#define FR_FLOW_INF INFINITY

struct fr_flow;

/* fr__flow_new - a network of @nnodes nodes (0..nnodes-1) and no arcs,
 * allocated under @ctx (free it with talloc_free, or with @ctx); NULL when
 * memory ran out. */
struct fr_flow *fr__flow_new(void *ctx, int nnodes);

/* fr__flow_arc - an arc @from -> @to of capacity @cap (>= 0, or
 * FR_FLOW_INF).  Parallel arcs add up.  0, -EINVAL (a node out of range, a
 * negative or NaN capacity) or -ENOMEM. */
int fr__flow_arc(struct fr_flow *f, int from, int to, double cap);

/* fr__flow_run - the maximum flow from @s to @t (s != t), which equals the
 * capacity of a minimum s-t cut; FR_FLOW_INF when every cut takes an
 * infinite arc.  May be called once per network. */
double fr__flow_run(struct fr_flow *f, int s, int t);

/* fr__flow_source_side - after fr__flow_run: whether node @v is reachable
 * from s in the residual network, i.e. on the source side of the minimum
 * cut whose source side is smallest. */
bool fr__flow_source_side(const struct fr_flow *f, int v);

#endif /* FR_MAXFLOW_H */
