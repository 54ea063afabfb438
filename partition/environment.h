/*
 * environment.h - the environment the child FMPs of a partition run in
 * (--env) and how much slower it makes a module's code (its slowdown).
 *
 * --env NAME: `none` (no environment, factor 1), or a Valgrind tool run as
 * `env: {valgrind: {tool: NAME}}`, with a default factor from Valgrind's
 * documented ranges.  --env FILE.yaml: a file holding one environment, the
 * mapping an FMP's `env:` holds in the deployment schema
 * (configs/README.md); it is checked by the runtime's own parser, with
 * errors at the file's line and column, and written as it is into the
 * deployment.  Its factor is its Valgrind tool's (1 without Valgrind).
 * --slowdown F replaces the factor in every case.
 */
#ifndef FR_ENVIRONMENT_H
#define FR_ENVIRONMENT_H

#include <stdbool.h>

#include "perr.h"

struct fr_envspec {
    char *name;               /* "none", the tool's name, or the file */
    bool from_file;
    char *tool;               /* the Valgrind tool, NULL without Valgrind */
    double slowdown;          /* the factor used, >= 1 */
    char *slowdown_from;      /* why that factor: "--slowdown", "default for memcheck" */
    char *yaml;               /* the env mapping as block YAML, NULL for none */
};

/* fr__valgrind_slowdown - the default factor for a Valgrind @tool, or 0
 * when it is not a tool this file knows. */
double fr__valgrind_slowdown(const char *tool);

/*
 * fr__envspec_get - the environment @arg names (NULL: none) with the
 * factor @slowdown when it is > 0, else its default; strings under @ctx.
 * 0, or a negative errno with the reason in @e: an unknown name (a usage
 * error, "did you mean"), a file that cannot be read or is no environment.
 */
int fr__envspec_get(void *ctx, const char *arg, double slowdown, struct fr_envspec *out,
                    struct fr_perr *e);

/* fr__envspec_yaml - the environment's mapping as block YAML, every line
 * indented by @indent spaces, under @ctx ("" for none; NULL when memory
 * ran out). */
char *fr__envspec_yaml(void *ctx, const struct fr_envspec *env, int indent);

#endif /* FR_ENVIRONMENT_H */
