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
    const int *keep;          /* descriptors the child inherits */
    int nkeep;
    char **argv;              /* the app's argv */
};

/*
 * Start the child.  On success *pid and *pidfd (CLOEXEC, owned by the
 * caller; -1 where pidfd_open does not exist) are set and 0 returned; on failure a message naming the step is
 * written to @err and a negative errno returned, and no child is left.
 */
int fr__launch(const struct fr_launch *l, pid_t *pid, int *pidfd, char *err, size_t errlen);

/* Find @name in PATH (or check a path); a talloc string under @ctx, or NULL. */
char *fr__which(void *ctx, const char *name);

#endif /* FR_LAUNCH_H */
