/*
 * overlay.h - environments laid over others (overlay.c).
 */
#ifndef FR_OVERLAY_H
#define FR_OVERLAY_H

#include "config.h"

/* The FMP's env @base with @over laid on it: what @over sets wins; vars
 * are merged.  Allocated under @ctx (NULL: out of memory). */
struct fr_env *fr__env_overlay(void *ctx, const struct fr_env *base, const struct fr_env *over);

/* The environment of restart @n of an FMP configured as @fc whose own
 * environment is @env (its FMP's, or a group member's: fr__member_env):
 * micro-Rx, the n-th of the restart list over @env, the last one sticks;
 * under @ctx.  @env itself without a list (NULL: no env at all). */
const struct fr_env *fr__restart_env(void *ctx, const struct fr_env *env,
                                    const struct fr_fmp_conf *fc, unsigned n);

#endif /* FR_OVERLAY_H */
