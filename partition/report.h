/*
 * report.h - what `fracture partition` prints: the factors it used, the
 * method, the predicted overhead of the training workload for the answer
 * and for the alternatives it beat (ns and % of wall time), which modules
 * moved and why, and the calls left crossing; as a table, or with --json
 * as one JSON object (README.md lists its members).
 */
#ifndef FR_REPORT_H
#define FR_REPORT_H

#include <stdio.h>

#include "explain.h"
#include "partition.h"

/* What was written, for the last lines (NULL: not asked for). */
struct fr_written {
    const char *yaml, *dot;
};

/* fr__report_text - the table on @f. */
void fr__report_text(FILE *f, const struct fr_problem *p, const struct fr_solution *s,
                     const struct fr_explain *x, const struct fr_written *w);

/* fr__report_json - the same as one JSON object on @f; 0 or -ENOMEM. */
int fr__report_json(FILE *f, const struct fr_problem *p, const struct fr_solution *s,
                    const struct fr_explain *x, const struct fr_written *w);

#endif /* FR_REPORT_H */
