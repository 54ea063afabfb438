/*
 * env.h - the `env:` block of the deployment file (DESIGN "Deployment
 * config"): what an FMP, a restart, a replica or a sample instance runs
 * with (valgrind, preload agents, vars, limits, nice, cpus, privileges,
 * sandbox).  Its keys, for the walk of config.c (yaml_walk.h), and the
 * check of one environment against what this machine can give, for
 * config_check.c.  launch.c applies one to a child; restart.c lays one
 * over another (fr__env_overlay).
 */
#ifndef FR_ENV_H
#define FR_ENV_H

#include <sched.h>
#include <stddef.h>

#include "config.h"
#include "yaml_walk.h"

/* fr__env_init - an environment that changes nothing (no limit set). */
void fr__env_init(struct fr_env *env);

/* fr__env_walk - a K_FN field for `env:` in a schema: fills the struct
 * fr_env at @obj (initialised by the caller) from the mapping @v, keyed by
 * @k; values under st->tree. */
void fr__env_walk(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
                  void *obj);

/* fr__env_list - `environments:`, a list of env mappings: *out a new array
 * under st->tree, *nout the environments kept. */
void fr__env_list(struct fr_walk *st, yaml_node_t *v, struct fr_env **out,
                  size_t *nout);

/* What the machine can give an environment, looked up once per check, on
 * first use, and the list its problems go to. */
struct fr_env_probe {
    struct fr_errs *e;
    int valgrind;             /* -1: not looked for yet, 0: missing, 1: found */
    int have_cpus;            /* -1: not looked up yet, 0: unknown, 1: cpus */
    cpu_set_t cpus;           /* those this process may run on */
    int have_tools;           /* -1: not looked up yet, 0: unknown, 1: tools */
    const char **tools;       /* Valgrind's tools, sorted, in e->ctx */
    size_t ntools;
};

/* fr__env_probe_init - nothing looked up yet; problems go to @e. */
void fr__env_probe_init(struct fr_env_probe *ck, struct fr_errs *e);

/*
 * fr__env_check - whether this machine can start a process in @env (when
 * it was written): Valgrind and its tool, the preload agents (found, ELF
 * shared objects of this machine), the CPUs, the hard limits and nice an
 * unprivileged process may set.  Every problem goes to ck->e.
 */
void fr__env_check(struct fr_env_probe *ck, const struct fr_env *env);

#endif /* FR_ENV_H */
