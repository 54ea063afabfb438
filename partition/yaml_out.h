/*
 * yaml_out.h - the deployment file an answer becomes (`-o deploy.yaml`):
 * the schema of configs/README.md, one FMP per child part with the
 * environment and policy asked for, and comments that say which modules
 * moved and why (the edges that made them worth moving, what each
 * alternative would cost), so that a reader can judge it without the run.
 */
#ifndef FR_YAML_OUT_H
#define FR_YAML_OUT_H

#include "explain.h"
#include "partition.h"

/* fr__yaml_deploy - the file's text, under @ctx; NULL when memory ran out. */
char *fr__yaml_deploy(void *ctx, const struct fr_problem *p, const struct fr_solution *s,
                      const struct fr_explain *x);

#endif /* FR_YAML_OUT_H */
