/*
 * partition.h - `fracture partition`'s problem and its answer: which
 * modules go to which FMP, found by the method that fits the question.
 *
 *   --isolate M          exact minimum s-t cut (isolate.c)
 *   --isolate M1 M2 ...  multiway cut (multiway.c): exact by enumeration
 *                        when small, else the isolation heuristic
 *   --parts K            METIS k-way partition balanced by CPU (metis.c)
 *
 * In every case main and each module lacking the cap the policy needs stay
 * in the root, and the answer's cost is the cost model's exact figure for
 * the placement found (cost.h).
 */
#ifndef FR_PARTITION_H
#define FR_PARTITION_H

#include <stdbool.h>
#include <stddef.h>

#include "cost.h"
#include "environment.h"
#include "figures.h"
#include "perr.h"
#include "trace.h"

/* Exact enumeration of a multiway cut tries (k+1)^n placements of the n
 * free modules: at most this many. */
#define FR_ENUM_MAX (1u << 20)

enum fr_method {
    FR_METHOD_MINCUT,         /* one FMP: exact minimum s-t cut (max-flow) */
    FR_METHOD_ENUMERATE,      /* several: every placement tried, exact */
    FR_METHOD_ISOLATION,      /* several: the isolation heuristic */
    FR_METHOD_METIS,          /* --parts */
};

struct fr_problem {
    const struct fr_trace *t;
    struct fr_cost cost;
    const struct fr_envspec *env;
    const struct fr_figures *fig;
    size_t *terms;            /* --isolate's modules; FMP i+1 holds terms[i] */
    size_t nterms;
    unsigned parts;           /* --parts K, or 0 */
    bool *root_only;          /* per module: main, or lacking the policy's cap */
};

struct fr_solution {
    int *part;                /* per module: 0 the root, i the i-th child FMP */
    unsigned nfmps;           /* child FMPs */
    char **fmp_names;         /* [1..nfmps]; [0] is the root's */
    enum fr_method method;
    unsigned metis_filled;    /* --parts: parts METIS left empty, filled after */
    struct fr_place_cost cost;
};

/*
 * fr__partition_module - the module @name names in @t (for --isolate):
 * *out its index.  Unknown (with "did you mean") or main: a usage error
 * in @e and -EINVAL.
 */
int fr__partition_module(const struct fr_trace *t, const char *name, size_t *out,
                         struct fr_perr *e);

/*
 * fr__partition_prepare - check @p's constraints and fill p->root_only
 * (under @ctx): each isolated module must have the policy's cap and be
 * named once; K must be at least 2 and at most one more than the modules
 * that may leave the root.  0, or -EINVAL with a usage error in @e.
 */
int fr__partition_prepare(void *ctx, struct fr_problem *p, struct fr_perr *e);

/* fr__partition_solve - the placement for @p (prepared), under @ctx. */
int fr__partition_solve(void *ctx, const struct fr_problem *p, struct fr_solution *s,
                        struct fr_perr *e);

/* fr__method_name - how the answer was found, for the outputs. */
const char *fr__method_name(enum fr_method m);

/* fr__method_note - what that method promises (exact, or its bound). */
const char *fr__method_note(enum fr_method m);

#endif /* FR_PARTITION_H */
