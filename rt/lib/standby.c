/*
 * standby.c - a warm spare for every restartable FMP, so that a restart
 * costs a message instead of a fork, an exec and a dynamic link.
 *
 * The root starts the spare in the environment its next restart will use
 * (restart.c, fr__restart_env): it execs, maps its regions and then waits
 * on its control socket for GO (child.c).  When the FMP crashes, the
 * supervisor zeroes its channels, takes the spare as the new incarnation
 * and sends GO; once the in-flight calls are released it starts the next
 * spare, off the critical path.  A spare that is not needed (the budget is
 * spent, the app ends) sees its control socket close and exits; a spare
 * that died while waiting is reaped when it would have been taken.
 *
 * Everything here runs on the root's supervisor thread, or in the root
 * before that thread starts, so the table needs no lock.  Cost: one idle
 * process per restartable FMP (its private memory is in `fracture bench`).
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <talloc.h>
#include <unistd.h>

#include "standby.h"

#include "channel.h"
#include "config.h"
#include "deathwatch.h"
#include "restart.h"
#include "spawn.h"
#include "overlay.h"
#include "state.h"

struct spare {
    struct fr_proc proc;      /* pid 0: none */
    unsigned env_index;       /* the restart it was started for */
    int64_t due;              /* fr__standby_later: start at this time (0: no) */
    unsigned due_index;
};

/* A fork of the root write-protects its memory for a moment: the threads
 * replaying their calls would fault on it.  So the next spare is started
 * this long after a restart, when the replays are over. */
#define SPARE_DELAY_NS (5 * 1000000)

static struct spare *spares;  /* per FMP, made on first use */

/* End the spare of FMP k, if any, and reap it. */
void fr__standby_drop(int k)
{
    struct spare *s = spares ? &spares[k] : NULL;

    if (!s || !s->proc.pid)
        return;
    close(s->proc.ctl);       /* asks it to exit ... */
    kill(s->proc.pid, SIGKILL);   /* ... and makes sure */
    while (waitpid(s->proc.pid, NULL, 0) < 0 && errno == EINTR)
        ;
    if (s->proc.pidfd >= 0)
        close(s->proc.pidfd);
    fr__deathwatch_free(s->proc.watch);
    s->proc.watch = NULL;
    s->proc.pid = 0;
}

void fr__standby_start(int k, unsigned env_index)
{
    const struct fr_fmp_conf *fc = fr__boot_fmp(k);
    char err[512];
    void *tmp;

    /* A member of a group restarts cold: a spare of a memcheck instance
     * would be a second Valgrind, and its report one more to read. */
    if (!fc || !fc->restart.present || atomic_load(&fr__rt.exiting) ||
        (fr__rt.group_of && fr__rt.group_of[k] >= 0))
        return;
    if (!spares && !(spares = calloc((size_t)fr__rt.nfmps, sizeof *spares)))
        return;               /* restarts will start cold */
    fr__standby_drop(k);
    tmp = talloc_new(NULL);
    const struct fr_env *env = tmp ? fr__restart_env(tmp, fc->env.present ? &fc->env : NULL,
                                                     fc, env_index) : NULL;
    if (tmp && (env || !fc->restart.nenvironments) &&
        fr__spawn_proc(k, env, &spares[k].proc, err, sizeof err) == 0)
        spares[k].env_index = env_index;
    else
        spares[k].proc.pid = 0;   /* restarts will start cold */
    talloc_free(tmp);
}

void fr__standby_later(int k, unsigned env_index)
{
    if (!spares && !(spares = calloc((size_t)fr__rt.nfmps, sizeof *spares)))
        return;
    spares[k].due = fr__now_ns() + SPARE_DELAY_NS;
    spares[k].due_index = env_index;
}

/* How long the supervisor may sleep before a spare is due (-1: forever). */
int fr__standby_due_ms(void)
{
    int64_t first = 0;

    for (int k = 0; spares && k < fr__rt.nfmps; k++)
        if (spares[k].due && (!first || spares[k].due < first))
            first = spares[k].due;
    if (!first)
        return -1;
    int64_t left = first - fr__now_ns();
    return left <= 0 ? 0 : (int)(left / 1000000) + 1;
}

void fr__standby_run_due(void)
{
    int64_t now = fr__now_ns();

    for (int k = 0; spares && k < fr__rt.nfmps; k++)
        if (spares[k].due && spares[k].due <= now) {
            spares[k].due = 0;
            fr__standby_start(k, spares[k].due_index);
        }
}

int fr__standby_take(int k, unsigned env_index)
{
    struct spare *s = spares ? &spares[k] : NULL;
    struct fr_fmp *f = &fr__rt.fmps[k];

    if (!s || !s->proc.pid)
        return -ENOENT;
    if (s->env_index != env_index || fr__send_go(k, s->proc.ctl) < 0) {
        fr__standby_drop(k);  /* not the right environment, or dead */
        return -ENOENT;
    }
    f->pid = s->proc.pid;
    f->pidfd = s->proc.pidfd;
    f->ctl = s->proc.ctl;
    fr__deathwatch_adopt(k, s->proc.watch);
    s->proc.watch = NULL;
    s->proc.pid = 0;
    return 0;
}

void fr__standby_stop_all(void)
{
    for (int k = 0; spares && k < fr__rt.nfmps; k++)
        fr__standby_drop(k);
    free(spares);
    spares = NULL;
}
