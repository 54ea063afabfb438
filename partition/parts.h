/*
 * parts.h - `--parts K`: the whole program in K FMPs (the root and K-1
 * children), by METIS's k-way partitioning (libmetis), balanced by CPU.
 *
 * main and every module that may not leave the root are one vertex, the
 * root's; each other module is a vertex weighted by its CPU time, each
 * pair of modules that call each other an edge weighted by what their
 * calls cost crossing, and a module's environment cost an edge to the
 * root's vertex (it is paid exactly when the module leaves the root).
 * METIS balances the parts' CPU and minimises the edges cut.  On small
 * graphs it may leave a part empty: each is then given the module whose
 * move there costs least under the exact model.
 */
#ifndef FR_PARTS_H
#define FR_PARTS_H

#include <stdbool.h>

#include "cost.h"
#include "perr.h"
#include "trace.h"

/*
 * fr__metis_parts - part[m] for every module of @t: 0 for the root's part
 * (main's), 1..k-1 for the others, none empty; *filled the parts METIS
 * left empty.  2 <= k <= (modules not @root_only) + 1.  Scratch under
 * @ctx, freed before return.  0, or a negative errno with the reason in @e.
 */
int fr__metis_parts(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                    const bool *root_only, unsigned k, int *part, unsigned *filled,
                    struct fr_perr *e);

#endif /* FR_PARTS_H */
