/*
 * spawn.c - the process of a child FMP, started by the root: the same
 * binary exec'ed in the FMP's environment (launch.c), handed the regions
 * it is a party to and nothing else, then READY awaited and GO sent.
 * Used at start (start.c), for a restart (restart.c) and for a warm spare
 * (standby.c); the plan and the regions' descriptors are kept here for the
 * whole run, so that every incarnation gets the same.
 */
#include "spawn.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <talloc.h>
#include <unistd.h>

#include "channel.h"
#include "config.h"
#include "ctl.h"
#include "deathwatch.h"
#include "group.h"
#include "launch.h"
#include "metaload.h"
#include "plan.h"
#include "sandbox.h"
#include "state.h"
#include "profile.h"
#include "trace.h"

#define READY_TIMEOUT_MS 60000

/* Wait for READY from child k, or its death. */
int fr__await_ready(int k, char *err, size_t errlen)
{
    struct fr_fmp *f = &fr__rt.fmps[k];
    int64_t end = fr__now_ns() + (int64_t)READY_TIMEOUT_MS * 1000000;

    for (;;) {
        struct pollfd pfd[2] = { { f->ctl, POLLIN, 0 }, { f->pidfd, POLLIN, 0 } };
        int64_t left = (end - fr__now_ns()) / 1000000;
        if (left <= 0) {
            snprintf(err, errlen, "it did not get ready within %d s", READY_TIMEOUT_MS / 1000);
            return -ETIMEDOUT;
        }
        if (poll(pfd, 2, (int)left) < 0 && errno != EINTR)
            return -errno;
        if (pfd[0].revents & POLLIN) {
            struct fr_ctl_msg m;
            ssize_t n = recv(f->ctl, &m, sizeof m, MSG_DONTWAIT);
            if (n == (ssize_t)sizeof m && m.type == FR_CTL_READY)
                return 0;
        }
        if (pfd[1].revents || (pfd[0].revents & (POLLHUP | POLLERR))) {
            int status = 0;
            char desc[96];
            while (waitpid(f->pid, &status, 0) < 0 && errno == EINTR)
                ;
            atomic_store(&f->gone, 1);
            snprintf(err, errlen, "it %s before it was ready",
                     fr__describe_status(status, desc, sizeof desc));
            return -ECHILD;
        }
    }
}

/* What a (re)start of a child needs, kept by the root for the whole run. */
static struct {
    struct fr_plan p;
    const struct fr_config *cfg;
    char **argv;
    int *memfd, *sock0, *sock1;   /* per pair index i*n+j (i<j) */
} boot;

void fr__boot_keep(const struct fr_plan *p, const struct fr_config *cfg, char **argv,
                   int *memfd, int *sock0, int *sock1)
{
    boot.p = *p;
    boot.cfg = cfg;
    boot.argv = argv;
    boot.memfd = memfd;
    boot.sock0 = sock0;
    boot.sock1 = sock1;
}

const struct fr_config *fr__boot_config(void)
{
    return boot.cfg;
}

const struct fr_fmp_conf *fr__boot_fmp(int k)
{
    return k > 0 && k < boot.p.nfmps ? boot.p.conf[k] : NULL;
}

int fr__send_go(int k, int ctl)
{
    /* the incarnation from the root's own count, never from a region
     * header, which a peer of the child can write */
    struct fr_ctl_msg go = { FR_CTL_GO, (uint32_t)k, atomic_load(&fr__rt.fmps[k].incarnation) };

    return send(ctl, &go, sizeof go, MSG_NOSIGNAL) == (ssize_t)sizeof go ? 0 : -EPIPE;
}

/* Start FMP k as the current incarnation, and let it serve at once. */
int fr__spawn(int k, const struct fr_env *env, char *err, size_t errlen)
{
    struct fr_proc p;
    int rc = fr__spawn_proc(k, env, &p, err, errlen);

    if (rc < 0)
        return rc;
    fr__rt.fmps[k].pid = p.pid;
    fr__rt.fmps[k].pidfd = p.pidfd;
    fr__rt.fmps[k].ctl = p.ctl;
    fr__deathwatch_adopt(k, p.watch);
    /* It may not read it yet: the socket keeps it.  If it is gone already,
     * waiting for it to get ready will tell. */
    (void)fr__send_go(k, p.ctl);
    return 0;
}

int fr__spawn_proc(int k, const struct fr_env *env, struct fr_proc *out, char *err,
                   size_t errlen)
{
    int n = boot.p.nfmps, rc, cv[2];
    struct fr_plan_region regs[n];
    int keep[2 * n + 3], nkeep = 0, nregs = 0, wfd = -1;
    struct fr_plan plan = boot.p;
    struct fr_launch l = { .env = env, .argv = boot.argv };
    const char *missing = NULL;
    char *preload = NULL;
    void *tmp = talloc_new(NULL);

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, cv) < 0) {
        snprintf(err, errlen, "socketpair: %s", strerror(errno));
        talloc_free(tmp);
        return -errno;
    }
    for (int q = 0; q < n; q++) {
        int a = q < k ? q : k, b = q < k ? k : q;
        if (q == k || !boot.p.pair[a * n + b])
            continue;
        regs[nregs].peer = q;
        regs[nregs].memfd = boot.memfd[a * n + b];
        regs[nregs].sock = k == a ? boot.sock0[a * n + b] : boot.sock1[a * n + b];
        keep[nkeep++] = regs[nregs].memfd;
        keep[nkeep++] = regs[nregs].sock;
        nregs++;
    }
    keep[nkeep++] = cv[1];
    out->watch = NULL;
    /* A restartable FMP's threads hold robust futexes the root watches:
     * its death is known before the kernel has torn it down.  Without the
     * table the pidfd still tells. */
    if (boot.p.conf[k] && boot.p.conf[k]->restart.present &&
        (wfd = fr__deathwatch_create(boot.p.names[k],
                                     fr__rt.geom.nslots + boot.p.max_threads + 8,
                                     &out->watch)) >= 0)
        keep[nkeep++] = wfd;
    plan.watch_fd = wfd;
    /* each incarnation counts on into the FMP's one trace area */
    plan.trace_fd = fr__trace_fd(k);
    if (plan.trace_fd >= 0)
        keep[nkeep++] = plan.trace_fd;
    /* and records its spans into its one span buffer (profile.h) */
    plan.prof_fd = plan.trace_fd >= 0 ? fr__prof_fd(k) : -1;
    if (plan.prof_fd >= 0)
        keep[nkeep++] = plan.prof_fd;
    l.plan = fr__plan_encode(tmp, &plan, k, getpid(), regs, nregs, cv[1]);
    l.keep = keep;
    l.nkeep = nkeep;
    rc = -ENOMEM;
    if (!l.plan) {
        snprintf(err, errlen, "out of memory");
        goto out_close;
    }
    if (env && env->has_valgrind && boot.cfg->reports_dir) {
        l.report_prefix = fr__member_report_prefix(tmp, boot.cfg->reports_dir, boot.p.names[k], k);
        l.report_comment = fr__member_report_comment(tmp, boot.p.conf[k], k);
        if (mkdir(boot.cfg->reports_dir, 0755) < 0 && errno != EEXIST) {
            rc = -errno;
            snprintf(err, errlen, "cannot create the reports dir %s: %s", boot.cfg->reports_dir,
                     strerror(errno));
            goto out_close;
        }
    }
    rc = fr__preload_value(tmp, env, &preload, &missing);
    if (rc < 0) {
        snprintf(err, errlen, "preload agent '%s' not found (a shipped agent is NAME.so in "
                 "$FRACTURE_PRELOAD_DIR or %s; or give a path)", missing ? missing : "?",
                 FR_PRELOAD_INSTALL_DIR);
        goto out_close;
    }
    l.preload = preload;
    /* the meta-applications the config loads into this FMP (metaload.h) */
    int oom = 0;
    if (boot.p.conf[k] && boot.p.conf[k]->name)
        l.meta = fr__meta_env(tmp, boot.cfg, boot.p.conf[k]->name, k == 0, &oom);
    if (oom) {
        rc = -ENOMEM;
        snprintf(err, errlen, "out of memory");
        goto out_close;
    }
    if (fr__sandbox_wanted(env) && !(l.sandbox = fr__sandbox_encode(tmp, env))) {
        rc = -ENOMEM;
        snprintf(err, errlen, "out of memory");
        goto out_close;
    }
    rc = fr__launch(&l, &out->pid, &out->pidfd, err, errlen);
out_close:
    close(cv[1]);
    if (wfd >= 0)
        close(wfd);           /* the root keeps its mapping */
    if (rc < 0) {
        close(cv[0]);
        fr__deathwatch_free(out->watch);
        out->watch = NULL;
    } else {
        out->ctl = cv[0];
    }
    talloc_free(tmp);
    return rc;
}

