/*
 * caps.h - the module capabilities (FR_RESTARTABLE, FR_REPLICABLE,
 * FR_SAMPLABLE) and the deployment policy each one permits, named once
 * for every program that says them: the annotator (FRACTURE_MODULE's caps,
 * the manifest), the config check (a policy a module's caps forbid) and
 * the trace file.
 */
#ifndef FR_CAPS_H
#define FR_CAPS_H

#include <stddef.h>

struct fr_cap {
    unsigned bit;             /* FR_RESTARTABLE */
    const char *macro;        /* "FR_RESTARTABLE": as the source writes it */
    const char *adj;          /* "restartable": the manifest's, the trace's */
    const char *policy;       /* "restart": the config key it permits */
    const char *verb;         /* "restarting" */
};

#define FR__NCAPS 3

/* In bit order: fr__caps[i].bit == 1u << i. */
extern const struct fr_cap fr__caps[FR__NCAPS];

/* @mask as the source writes it, "FR_RESTARTABLE | FR_SAMPLABLE" ("0" for
 * none): allocated on talloc context @ctx, NULL without memory. */
char *fr__caps_text(void *ctx, unsigned mask);

#endif /* FR_CAPS_H */
