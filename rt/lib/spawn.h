/*
 * spawn.h - starting the process of a child FMP (the root's side): exec of
 * the same binary in the FMP's environment, its regions handed over, READY
 * awaited, GO sent.
 */
#ifndef FR_SPAWN_H
#define FR_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

struct fr_env;
struct fr_config;
struct fr_fmp_conf;
struct fr_plan;

/* Keep what every (re)start of a child needs for the whole run: the plan,
 * the config, argv, and per pair i*n+j (i<j) the memfd and the two ends of
 * its descriptor socket (owned by the caller, never freed before exit). */
void fr__boot_keep(const struct fr_plan *p, const struct fr_config *cfg, char **argv,
                   int *memfd, int *sock0, int *sock1);

/* Start FMP k as its current incarnation and let it serve at once. */
int fr__spawn(int k, const struct fr_env *env, char *err, size_t errlen);
/* A process for FMP k that maps its regions and waits for GO (its ctl). */
struct fr_proc {
    pid_t pid;
    int pidfd, ctl;
    struct fr_watch *watch;   /* its deathwatch table (deathwatch.h), or NULL */
};
int fr__spawn_proc(int k, const struct fr_env *env, struct fr_proc *out, char *err,
                   size_t errlen);
/* Release a process started by fr__spawn_proc as FMP k's current
 * incarnation: it serves from now on, tagging its handles with it. */
int fr__send_go(int k, int ctl);
/* Wait for READY from child k, or its death (-ECHILD, reaped, @err says
 * how), or the start timeout (-ETIMEDOUT). */
int fr__await_ready(int k, char *err, size_t errlen);
const struct fr_config *fr__boot_config(void);
const struct fr_fmp_conf *fr__boot_fmp(int k);

#endif /* FR_SPAWN_H */
