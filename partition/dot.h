/*
 * dot.h - the module graph as a Graphviz picture (`--dot graph.dot`): a
 * node per module sized by its CPU time, an arrow per caller -> callee
 * pair as wide as its calls are many (log scale), each child FMP a
 * cluster, and the calls that cross drawn red with their cost.
 * `dot -Tsvg graph.dot -o graph.svg` renders it.
 */
#ifndef FR_DOT_H
#define FR_DOT_H

#include "partition.h"

/* fr__dot_graph - the picture's text, under @ctx; NULL when memory ran out. */
char *fr__dot_graph(void *ctx, const struct fr_problem *p, const struct fr_solution *s);

#endif /* FR_DOT_H */
