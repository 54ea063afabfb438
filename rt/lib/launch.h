/*
 * launch.h - start a child FMP with its environment (launch.c).
 */
#ifndef FR_LAUNCH_H
#define FR_LAUNCH_H

#include <stddef.h>
#include <sys/types.h>

#include "config.h"

struct fr_launch {
    const struct fr_env *env; /* NULL: inherit everything */
    const char *plan;         /* FRACTURE_PLAN for the child */
    const char *preload;      /* LD_PRELOAD value, or NULL */
    const char *report_prefix;/* Valgrind XML reports: "<prefix>.<pid>.xml", or NULL */
    const char *report_comment;   /* --xml-user-comment (group.c), or NULL */
    const int *keep;          /* descriptors the child inherits */
    int nkeep;
    char **argv;              /* the app's argv */
    const char *sandbox;      /* FRACTURE_SANDBOX value (sandbox.h), or NULL */
    const char *meta;         /* FRACTURE_META value (metaload.h), or NULL */
};

/*
 * Start the child.  On success *pid and *pidfd (CLOEXEC, owned by the
 * caller; -1 where pidfd_open does not exist) are set and 0 returned; on failure a message naming the step is
 * written to @err and a negative errno returned, and no child is left.
 */
int fr__launch(const struct fr_launch *l, pid_t *pid, int *pidfd, char *err, size_t errlen);

/*
 * The LD_PRELOAD value for @env's preload list: each entry a path, or the
 * name of an agent shipped with Fracture (NAME.so, looked for in
 * $FRACTURE_PRELOAD_DIR, the install dir, the build dir).  A talloc string
 * under @ctx, NULL when the list is empty; -ENOENT (with the name in
 * *missing) when an agent cannot be found.
 */
int fr__preload_value(void *ctx, const struct fr_env *env, char **value, const char **missing);

/* Find @name in PATH (or check a path); a talloc string under @ctx, or NULL. */
char *fr__which(void *ctx, const char *name);

#endif /* FR_LAUNCH_H */
