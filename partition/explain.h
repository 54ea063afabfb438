/*
 * explain.h - why the answer is what it is, for every output (the table,
 * --json, the YAML's comments, the picture): the alternatives it beat,
 * each moved module's saving and the edges behind it, the crossings left.
 *
 * The alternatives (for --isolate): every isolated module alone, and each
 * alone plus one of its neighbours that may move with it.  Every figure
 * is the cost model's exact price of that placement.
 */
#ifndef FR_EXPLAIN_H
#define FR_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "partition.h"

struct fr_alt {
    char *label;              /* "files + mime" */
    int *part;
    struct fr_place_cost cost;
    bool chosen;
};

struct fr_moved {
    size_t module;
    int fmp;
    double saves_ns;          /* what keeping it in the root would cost more */
    size_t *edges;            /* its edges within its FMP, costliest first */
    double *edge_ns;          /* what each would cost crossing, were it in the root */
    size_t nedges;
};

struct fr_explain {
    struct fr_alt *alts;      /* [0] the answer, then the others by cost */
    size_t nalts;
    struct fr_moved *moved;   /* modules in child FMPs, not isolated by name */
    size_t nmoved;
    size_t *cut;              /* crossing edges, costliest first */
    double *cut_ns;           /* their cost, by edge index */
    size_t ncut;
};

/* fr__explain - all of the above for @s, under @ctx.  0 or -ENOMEM (said
 * in @e). */
int fr__explain(void *ctx, const struct fr_problem *p, const struct fr_solution *s,
                struct fr_explain *x, struct fr_perr *e);

/* fr__fmp_modules - the modules of FMP @fmp as "a + b" (the isolated one
 * first), under @ctx. */
char *fr__fmp_modules(void *ctx, const struct fr_problem *p, const int *part, int fmp,
                      const char *sep);

/* fr__human_ns / fr__human_bytes - "812 ns", "3.20 ms", "2.035 s"; "4.0 MB"
 * into @buf. */
const char *fr__human_ns(char *buf, size_t n, double ns);
const char *fr__human_bytes(char *buf, size_t n, double bytes);

/* fr__edge_text - edge @i of @t as "a -> b (f): N calls, 4.0 MB, 3.20 ms",
 * @ns its cost, under @ctx (NULL when memory ran out). */
char *fr__edge_text(void *ctx, const struct fr_trace *t, size_t i, double ns);

/* fr__percent_of_wall - @ns as a percentage of the trace's wall time, or
 * a negative number when no wall time was traced. */
double fr__percent_of_wall(const struct fr_trace *t, double ns);

#endif /* FR_EXPLAIN_H */
