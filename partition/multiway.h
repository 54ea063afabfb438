/*
 * multiway.h - several isolated modules, each in an FMP of its own: the
 * multiway cut with k+1 terminals (the k modules and the root), which is
 * NP-hard for k >= 2.
 *
 * Small problems are solved exactly by trying every placement of the free
 * modules ((k+1)^n of them, at most FR_ENUM_MAX); larger ones by the
 * isolation heuristic: an exact minimum cut isolates each terminal from
 * all the others (isolate.h), the costliest of the k+1 cuts is left out,
 * and the rest is the answer, at most 2 - 2/(k+1) times the optimum when a
 * crossing costs the same both ways.  Whatever is found is priced with the
 * exact cost model, and the cheapest of the heuristic's candidates (with
 * "each module alone" among them) is kept.
 */
#ifndef FR_MULTIWAY_H
#define FR_MULTIWAY_H

#include <stdbool.h>
#include <stddef.h>

#include "cost.h"
#include "partition.h"
#include "perr.h"
#include "trace.h"

/*
 * fr__multiway - place every module of @t: part[m] = 0 for the root, i+1
 * for the FMP of @terms[i] (k of them); @root_only modules stay at 0.
 * *method says which way it was solved.  Scratch under @ctx, freed before
 * return.  0, or a negative errno with the reason in @e.
 */
int fr__multiway(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                 const bool *root_only, const size_t *terms, size_t k, int *part,
                 enum fr_method *method, struct fr_perr *e);

/* fr__multiway_isolation - the isolation heuristic alone, whatever the
 * size (fr__multiway uses it when enumeration does not fit); as
 * fr__multiway. */
int fr__multiway_isolation(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                           const bool *root_only, const size_t *terms, size_t k, int *part,
                           struct fr_perr *e);

/* fr__multiway_enum_fits - whether @k terminals and @nfree free modules
 * are few enough for enumeration. */
bool fr__multiway_enum_fits(size_t k, size_t nfree);

#endif /* FR_MULTIWAY_H */
