/*
 * overlay.c - an environment laid over another (overlay.h): a replica's or
 * an instance's own env over its FMP's, and the micro-Rx list of a
 * restart policy, each entry over the FMP's env.
 */
#include "overlay.h"

#include <string.h>
#include <talloc.h>

/*
 * The FMP's env with @over laid on it: what @over sets wins; vars are
 * merged.  Allocated under @ctx.
 */
struct fr_env *fr__env_overlay(void *ctx, const struct fr_env *base, const struct fr_env *over)
{
    struct fr_env *e = talloc_zero(ctx, struct fr_env);

    if (!e)
        return NULL;
    if (base && base->present) {
        *e = *base;
    } else {
        e->limits = (struct fr_limits){ .memory_mb = -1, .cpu_s = -1, .open_files = -1,
                                        .core = -1 };
    }
    if (!over || !over->present)
        return e;
    e->present = true;
    if (over->has_valgrind) {
        e->has_valgrind = true;
        e->valgrind_tool = over->valgrind_tool;
        e->valgrind_args = over->valgrind_args;
        e->nvalgrind_args = over->nvalgrind_args;
    }
    if (over->npreload) {
        e->preload = over->preload;
        e->preload_pos = over->preload_pos;
        e->npreload = over->npreload;
    }
    if (over->nvars) {
        size_t n = e->nvars + over->nvars, k = 0;
        char **names = talloc_array(e, char *, n), **values = talloc_array(e, char *, n);
        if (!names || !values)
            return NULL;
        for (size_t i = 0; i < e->nvars; i++) {
            int shadowed = 0;
            for (size_t j = 0; j < over->nvars; j++)
                shadowed |= strcmp(e->var_names[i], over->var_names[j]) == 0;
            if (!shadowed) {
                names[k] = e->var_names[i];
                values[k++] = e->var_values[i];
            }
        }
        for (size_t j = 0; j < over->nvars; j++) {
            names[k] = over->var_names[j];
            values[k++] = over->var_values[j];
        }
        e->var_names = names;
        e->var_values = values;
        e->nvars = k;
    }
    if (over->limits.memory_mb >= 0)
        e->limits.memory_mb = over->limits.memory_mb;
    if (over->limits.cpu_s >= 0)
        e->limits.cpu_s = over->limits.cpu_s;
    if (over->limits.open_files >= 0)
        e->limits.open_files = over->limits.open_files;
    if (over->limits.core >= 0)
        e->limits.core = over->limits.core;
    if (over->has_nice) {
        e->has_nice = true;
        e->nice = over->nice;
    }
    if (over->ncpus) {
        e->cpus = over->cpus;
        e->ncpus = over->ncpus;
    }
    if (over->privileges)
        e->privileges = over->privileges;
    if (over->sandbox) {
        e->sandbox = over->sandbox;
        e->sandbox_pos = over->sandbox_pos;
        e->sandbox_prof = over->sandbox_prof;
    }
    return e;
}

const struct fr_env *fr__restart_env(void *ctx, const struct fr_env *env,
                                    const struct fr_fmp_conf *fc, unsigned n)
{
    size_t nenv = fc->restart.nenvironments;

    if (!nenv)
        return env;
    /* micro-Rx: the next environment of the list, the last one sticks */
    return fr__env_overlay(ctx, env, &fc->restart.environments[n < nenv ? n : nenv - 1]);
}

