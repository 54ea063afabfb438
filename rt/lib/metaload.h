/*
 * metaload.h - meta-applications loaded by the config (`meta:`, hook.h):
 * which ones an FMP gets, carried to a child in FRACTURE_META, and loading
 * them (dlopen, then the entry point fr_meta_init with the entry's args).
 */
#ifndef FR_METALOAD_H
#define FR_METALOAD_H

#include "config.h"

/*
 * The FRACTURE_META value for the FMP named @fmp (@root: it is the root,
 * which `root` names too) of a checked @cfg: one line per meta-application,
 * "PATH\tARGS\tFILE:LINE:COL".  A talloc string under @ctx; NULL when it
 * loads none (or memory ran out: then *oom is set).
 */
char *fr__meta_env(void *ctx, const struct fr_config *cfg, const char *fmp, int root, int *oom);

/*
 * Load every meta-application of @value (fr__meta_env's form) into this
 * process, in order, in FMP @fmp (for messages).  0, or -EINVAL after a
 * message on stderr that names the config's place, what failed and what
 * to do.
 */
int fr__meta_load(const char *value, const char *fmp);

#endif /* FR_METALOAD_H */
