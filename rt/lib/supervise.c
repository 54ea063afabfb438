/*
 * supervise.c - the root's supervisor: one thread that watches every child
 * FMP (its pidfd and its control socket) and, when a child dies, marks its
 * side of every region gone so that no caller waits for it forever.  Also
 * the fault path (a caller that got a malformed reply asks for the callee
 * to be stopped) and the orderly shutdown at exit.
 *
 * What a death means is not the supervisor's to know: it hands its news
 * to the policies' handlers (supervise.h, policy.c), which restart,
 * recycle or lose the FMP.  The program's own end (exit(n) in a child, a
 * stop signal) is told to it by program.c and done here.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <talloc.h>
#include <unistd.h>

#include "supervise.h"

#include "channel.h"
#include "deathwatch.h"
#include "futex.h"
#include "program.h"
#include "state.h"
#include "profilefile.h"
#include "tracefile.h"

static pthread_t sup_thread;
static int sup_started;
static int stop_fd = -1;
static int sig_fd = -1;       /* program.c: stop signals' numbers */

static const struct fr_supervise_ops *ops;
static const struct fr_supervise_ops none;

void fr__supervise_set_ops(const struct fr_supervise_ops *o)
{
    ops = o;
}

static const struct fr_supervise_ops *news(void)
{
    return ops ? ops : &none;
}

/* Root: child @from called exit(@status): the program ends with it.  The
 * root marks itself exiting before it stops anything, so a caller whose
 * callee vanishes on the way sees the program ending (program.h). */
static void exit_asked(int from, int status)
{
    if (atomic_exchange(&fr__rt.exiting, 1))
        return;               /* ending already */
    fr__program_set_exit_fmp(from);
    fr__stop_children();
    exit(status);
}

/* Signal @sig arrived (program.c): the children stopped in order, the
 * root dies of it as the one process would have. */
static FR_NORETURN void die_of(int sig)
{
    sigset_t one;

    atomic_store(&fr__rt.exiting, 1);
    fr__stop_children();
    (void)fr__trace_file_finish();   /* a training run stopped with ^C keeps its trace */
    (void)fr__prof_file_finish();    /* and a profiled one its profile */
    /* Not fflush(NULL): it takes every stream's lock, and a thread of the
     * program blocked in fgets(stdin) holds stdin's for ever (the stop
     * signal restarts its read): the root would hang here, not die. */
    FILE *out[] = { stdout, stderr };
    for (int i = 0; i < 2; i++)
        if (ftrylockfile(out[i]) == 0) {
            fflush_unlocked(out[i]);
            funlockfile(out[i]);
        }
    signal(sig, SIG_DFL);
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    raise(sig);
    _exit(128 + sig);         /* blocked everywhere: the status still says it */
}

/* Root: kill FMP @fmp if it is still the incarnation @gen. */
static void stop_incarnation(int fmp, uint32_t gen)
{
    struct fr_fmp *f = &fr__rt.fmps[fmp];

    if (fmp != 0 && !atomic_load(&f->gone) && atomic_load(&f->incarnation) == gen)
        kill(f->pid, SIGKILL);
}

int fr__paired(int a, int b)
{
    for (int p = 0; p < fr__rt.npairs; p++)
        if ((fr__rt.pairs[p].a == a && fr__rt.pairs[p].b == b) ||
            (fr__rt.pairs[p].a == b && fr__rt.pairs[p].b == a))
            return 1;
    return 0;
}

void fr__ctl_handle(int from, struct fr_ctl_in *in)
{
    const struct fr_ctl_msg *m = &in->m;
    int n = fr__rt.nfmps;

    if (m->fmp == 0 || (int)m->fmp >= n) {
        fr__ctl_drop_fds(in);
        return;
    }
    /* A child may only accuse a peer it talks to (one may have seen the
     * other break the protocol only then), and the root says who accused
     * whom: the blame is the accuser's word, on the record. */
    if (m->type == FR_CTL_FAULT && (int)m->fmp != from && fr__paired(from, (int)m->fmp)) {
        if (!atomic_load(&fr__rt.fmps[m->fmp].gone) &&
            atomic_load(&fr__rt.fmps[m->fmp].incarnation) == m->gen)
            fr__log("FMP '%s' asks to stop FMP '%s', which broke the call protocol with it",
                    fr__rt.fmps[from].name, fr__rt.fmps[m->fmp].name);
        stop_incarnation((int)m->fmp, m->gen);
    }
    else if (m->type == FR_CTL_EXIT && (int)m->fmp == from)
        exit_asked(from, (int)m->gen);
    else if (news()->note)
        news()->note(from, in);
    fr__ctl_drop_fds(in);
}

ssize_t fr__ctl_take(int k)
{
    struct fr_ctl_in in;
    ssize_t got;

    if (fr__rt.fmps[k].ctl < 0)
        return 0;
    got = fr__ctl_recv(fr__rt.fmps[k].ctl, MSG_DONTWAIT, &in);
    if (got > 0)
        fr__ctl_handle(k, &in);
    return got;
}

int fr__child_ended(int k)
{
    struct pollfd pfd = { fr__rt.fmps[k].pidfd, POLLIN, 0 };

    return pfd.fd >= 0 && poll(&pfd, 1, 0) > 0;
}

int fr__ctl_await(int k, uint32_t type, int ms)
{
    int64_t end = fr__now_ns() + (int64_t)ms * 1000000;
    int ctl = fr__rt.fmps[k].ctl;

    for (;;) {
        struct fr_ctl_in in;
        struct pollfd pfd = { ctl, POLLIN, 0 };
        int64_t left = (end - fr__now_ns()) / 1000000;
        if (ctl < 0)
            return -EPIPE;
        if (left <= 0 || poll(&pfd, 1, (int)left) == 0)
            return -ETIMEDOUT;
        ssize_t got = fr__ctl_recv(ctl, MSG_DONTWAIT, &in);
        if (got == 0 || (got < 0 && got != -EAGAIN))
            return -EPIPE;
        if (got > 0 && in.m.type == type) {
            fr__ctl_drop_fds(&in);
            return 0;
        }
        if (got > 0)
            fr__ctl_handle(k, &in);
    }
}

void fr__ctl_drain(int k)
{
    while (fr__ctl_take(k) > 0)
        ;
}

void fr__mark_gone(int fmp, int status)
{
    const struct fr_geom *g = &fr__rt.geom;

    FR_ASSERTF(fr__rt.self == 0 && fmp > 0 && fmp < fr__rt.nfmps,
               "FMP %d marked gone by FMP %d", fmp, fr__rt.self);

    fr__rt.fmps[fmp].status = status;      /* before `gone`: readers trust it then */
    atomic_store(&fr__rt.fmps[fmp].gone, 1);
    atomic_store(&fr__rt.fmps[fmp].said_gone, 1);   /* the root's own copy first */
    for (int p = 0; p < fr__rt.npairs; p++) {
        struct fr_pairmap *pm = &fr__rt.pairs[p];
        if (pm->a != fmp && pm->b != fmp)
            continue;
        int dead = pm->a == fmp ? 0 : 1;
        struct fr_region_hdr *h = pm->base;
        atomic_store(&h->gone_status[dead], status);
        /* Flag first, then scan: a caller that opens a slot after the scan
         * sees the flag before it sleeps (fr__chan_wait).  The flag names
         * the incarnation that ended (region.h). */
        atomic_store(&h->gone[dead], atomic_load(&h->gen[dead]) + 1);
        for (uint32_t i = 0; i < g->nslots; i++) {
            struct fr_slot *s = fr__slot(pm->base, g, i);
            /* Only slots ever opened have a waiter; the others stay untouched
             * (and so unallocated in the memfd). */
            if (!(atomic_load(&fr__region_open(pm->base, g, 0)[i / 64]) & ((uint64_t)1 << (i % 64))) &&
                !(atomic_load(&fr__region_open(pm->base, g, 1)[i / 64]) & ((uint64_t)1 << (i % 64))))
                continue;
            atomic_fetch_or(&s->to[!dead].bell, FR_BELL_GONE);
            fr__futex_wake(&s->to[!dead].bell, INT_MAX);
        }
    }
}

/*
 * Stop FMP @fmp, whose incarnation @gen (as the reporter knew it) broke the
 * protocol.  A report about an incarnation the root has already replaced
 * is dropped: the wreck of a dead peer must not kill its successor.
 */
void fr__fault(int fmp, uint32_t gen, const char *why)
{
    int r = fmp >= 0 && fmp < fr__rt.nfmps ? fr__rt.region_of_fmp[fmp] : -1;
    struct fr_region *rg;
    int stale, again;

    if (r < 0)
        return;
    /* `failed` belongs to the incarnation this process knows (region_sync
     * clears it on a move): never set it on behalf of an older one. */
    rg = &fr__rt.regions[r];
    pthread_mutex_lock(&rg->gen_lock);
    stale = rg->gen_seen != gen;
    again = stale || atomic_exchange(&rg->failed, 1);
    pthread_mutex_unlock(&rg->gen_lock);
    if (again)
        return;               /* reported already, or about the dead */
    fr__log("FMP '%s' %s; stopping it", fr__rt.fmps[fmp].name, why);
    if (fr__rt.self == 0) {
        stop_incarnation(fmp, gen);
    } else if (fmp != 0) {
        struct fr_ctl_msg m = { FR_CTL_FAULT, (uint32_t)fmp, gen };
        if (send(fr__rt.ctl, &m, sizeof m, MSG_NOSIGNAL) < 0)
            fr__log("cannot reach the root to stop FMP '%s'", fr__rt.fmps[fmp].name);
    }
}

/* The line that says how process @pid of FMP @k ended. */
static void say_end(int k, pid_t pid, int status)
{
    char desc[96];

    /* At exit a child should end with status 0; anything else (Valgrind's
     * --error-exitcode, a crash on the way out) is worth a line. */
    /* A recycled instance ends cleanly on purpose: nothing to say. */
    if ((!atomic_load(&fr__rt.exiting) || status != 0) &&
        !(news()->expected && news()->expected(k, status)) && k != fr__program_exit_fmp())
        fr__log("FMP '%s' (pid %d) %s%s", fr__rt.fmps[k].name, (int)pid,
                fr__describe_status(status, desc, sizeof desc),
                atomic_load(&fr__rt.exiting) ? " at exit" : "");
}

void fr__reap(int k)
{
    struct fr_fmp *f = &fr__rt.fmps[k];
    int status = 0;

    while (waitpid(f->pid, &status, 0) < 0 && errno == EINTR)
        ;
    atomic_store(&f->reaped_ns, fr__now_ns());
    atomic_store(&f->noticed_ns, atomic_load(&f->reaped_ns));
    fr__mark_gone(k, status);
    say_end(k, f->pid, status);
    if (!atomic_load(&fr__rt.exiting) && news()->died) {
        /* what it said before it died counts: its copies of FR_INIT calls */
        fr__ctl_drain(k);
        news()->died(k, status);
    }
}

/*
 * Every thread of FMP @k's current process has ended (deathwatch.c) while
 * the kernel still tears it down: the FMP is dead now, as fr__reap would
 * find it, and the process is reaped when its pidfd fires (a grave).  Once
 * only: the FMP is gone from here on, so neither its pidfd (handed to the
 * grave) nor a later notice acts on it again.
 */
static void died_early(int k)
{
    struct fr_fmp *f = &fr__rt.fmps[k];

    if (atomic_load(&f->gone) || atomic_load(&fr__rt.exiting) || f->pidfd < 0)
        return;               /* reaped already, or the end: the pidfd path has it */
    atomic_store(&f->noticed_ns, fr__now_ns());
    /* for the tests: which path saw the death */
    if (getenv("FRACTURE_TEST_DEATHWATCH"))
        fr__log("FMP '%s' (pid %d): every thread of it ended; restarting it before the "
                "kernel has ended the process", f->name, (int)f->pid);
    /* The words are the child's own: one that only feigns its death is
     * made to die, before its successor takes its slots. */
    syscall(SYS_pidfd_send_signal, f->pidfd, SIGKILL, NULL, 0);
    fr__deathwatch_demote(f->pid);
    fr__deathwatch_bury(k, f->pid, f->pidfd, atomic_load(&f->incarnation));
    f->pidfd = -1;
    fr__mark_gone(k, FR_STATUS_DYING);
    fr__ctl_drain(k);         /* as fr__reap */
    if (news()->died)
        news()->died(k, FR_STATUS_DYING);
}

/* A process noticed dead early has ended: reap it and say how.  If its
 * FMP was not restarted the record gets the real status. */
static int reap_grave(int i, int wait)
{
    int k, status;
    pid_t pid;
    uint32_t gen;

    if (fr__deathwatch_reap(i, wait, &k, &pid, &status, &gen) < 0)
        return -ENOENT;
    atomic_store(&fr__rt.fmps[k].reaped_ns, fr__now_ns());
    say_end(k, pid, status);
    if (atomic_load(&fr__rt.fmps[k].gone) && atomic_load(&fr__rt.fmps[k].incarnation) == gen)
        fr__mark_gone(k, status);
    return 0;
}

static void *supervisor_main(void *arg)
{
    int n = fr__rt.nfmps;
    sigset_t all;

    (void)arg;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        int np = 0, ngraves = fr__deathwatch_graves(NULL);
        struct pollfd pfd[2 * n + 3 + ngraves];
        int who[2 * n + 3 + ngraves];

        pfd[np] = (struct pollfd){ .fd = stop_fd, .events = POLLIN };
        who[np++] = 0;
        pfd[np] = (struct pollfd){ .fd = sig_fd, .events = POLLIN };
        who[np++] = 0;
        pfd[np] = (struct pollfd){ .fd = fr__deathwatch_fd(), .events = POLLIN };
        who[np++] = 0;
        /* processes noticed dead early, still to reap: who n + i */
        fr__deathwatch_graves(pfd + np);
        for (int i = 0; i < ngraves; i++)
            who[np++] = n + i;
        for (int k = 1; k < n; k++) {
            if (atomic_load(&fr__rt.fmps[k].gone))
                continue;
            if (fr__rt.fmps[k].pidfd >= 0) {
                pfd[np] = (struct pollfd){ .fd = fr__rt.fmps[k].pidfd, .events = POLLIN };
                who[np++] = k;
            }
            if (fr__rt.fmps[k].ctl >= 0) {
                pfd[np] = (struct pollfd){ .fd = fr__rt.fmps[k].ctl, .events = POLLIN };
                who[np++] = -k;
            }
        }
        int rc = poll(pfd, (nfds_t)np, news()->due_ms ? news()->due_ms() : -1);
        if (news()->run_due)
            news()->run_due();
        if (rc <= 0)
            continue;
        if (pfd[0].revents) {
            fr__stop_children();
            return NULL;
        }
        if (pfd[1].revents) {
            unsigned char sig;
            if (read(sig_fd, &sig, 1) == 1 && !atomic_exchange(&fr__rt.exiting, 1))
                die_of(sig);
        }
        if (pfd[2].revents) {
            int k;
            while ((k = fr__deathwatch_next_dead()) >= 0)
                died_early(k);
            continue;         /* pidfds and sockets may have changed hands: look again */
        }
        for (int i = 3; i < np; i++) {
            if (!pfd[i].revents)
                continue;
            if (who[i] >= n) {
                reap_grave(who[i] - n, 0);
                continue;
            }
            if (who[i] > 0) {
                fr__reap(who[i]);
                continue;
            }
            struct fr_fmp *f = &fr__rt.fmps[-who[i]];
            ssize_t got = fr__ctl_take(-who[i]);
            if (got == 0 || (got < 0 && got != -EAGAIN)) {
                /* it is going (all it sent was read): its pidfd tells when */
                close(f->ctl);
                f->ctl = -1;
                if (f->pidfd < 0)
                    fr__reap(-who[i]);   /* no pidfd: the hang-up is the news */
            }
        }
    }
}

int fr__supervisor_start(void)
{
    int rc;

    stop_fd = eventfd(0, EFD_CLOEXEC);
    if (stop_fd < 0)
        return -errno;
    sig_fd = fr__program_signals_root();
    /* Failing that, the pidfds alone tell of a death, later. */
    (void)fr__deathwatch_start();
    rc = pthread_create(&sup_thread, NULL, supervisor_main, NULL);
    if (rc) {
        close(stop_fd);
        stop_fd = -1;
        return -rc;
    }
    sup_started = 1;
    return 0;
}

/* Wait up to @ms for every child to exit; returns how many are left. */
static int wait_children(int ms)
{
    int64_t end = fr__now_ns() + (int64_t)ms * 1000000;
    int left;

    for (;;) {
        struct pollfd pfd[fr__rt.nfmps];
        int who[fr__rt.nfmps];
        left = 0;
        int nopidfd = 0;
        for (int k = 1; k < fr__rt.nfmps; k++) {
            if (atomic_load(&fr__rt.fmps[k].gone))
                continue;
            if (fr__rt.fmps[k].pidfd < 0) {
                /* without a pidfd, look every 10 ms */
                int status;
                if (waitpid(fr__rt.fmps[k].pid, &status, WNOHANG) == fr__rt.fmps[k].pid) {
                    fr__mark_gone(k, status);
                    continue;
                }
                nopidfd = 1;
            }
            pfd[left] = (struct pollfd){ .fd = fr__rt.fmps[k].pidfd, .events = POLLIN };
            who[left++] = k;
        }
        int64_t now = fr__now_ns();
        if (!left || now >= end)
            return left;
        int ms = (int)((end - now) / 1000000) + 1;
        if (nopidfd && ms > 10)
            ms = 10;
        if (poll(pfd, (nfds_t)left, ms) > 0)
            for (int i = 0; i < left; i++)
                if (pfd[i].revents)
                    fr__reap(who[i]);
    }
}

/* Ask every child to exit (closing its control socket lets it exit
 * cleanly, so that Valgrind writes its report), wait, then kill the rest.
 * Runs on the supervisor thread when there is one: children it restarted
 * would get their PDEATHSIG the moment it ended. */
void fr__stop_children(void)
{
    if (news()->stopping)
        news()->stopping();
    for (int k = 1; k < fr__rt.nfmps; k++) {
        if (fr__rt.fmps[k].ctl >= 0)
            close(fr__rt.fmps[k].ctl);
        fr__rt.fmps[k].ctl = -1;
    }
    if (wait_children(10000) > 0) {
        for (int k = 1; k < fr__rt.nfmps; k++)
            if (!atomic_load(&fr__rt.fmps[k].gone))
                kill(fr__rt.fmps[k].pid, SIGKILL);
        wait_children(INT_MAX / 2);
    }
    while (reap_grave(-1, 1) == 0)
        ;                     /* noticed dead early, and ending by now */
    for (int k = 1; k < fr__rt.nfmps; k++)
        if (fr__rt.fmps[k].pidfd >= 0)
            close(fr__rt.fmps[k].pidfd);
    /* The regions stay mapped: other threads of this process may still
     * touch them until it ends, and its end frees them. */
}

void fr__shutdown(void)
{
    if (!fr__rt.active || fr__rt.self != 0 || atomic_exchange(&fr__rt.exiting, 1))
        return;
    if (sup_started) {
        uint64_t one = 1;
        if (write(stop_fd, &one, sizeof one) < 0)
            fr__log("cannot stop the supervisor: %s", strerror(errno));
        pthread_join(sup_thread, NULL);   /* it stops the children first */
        close(stop_fd);
        sup_started = 0;
    } else {
        fr__stop_children();
    }
}
