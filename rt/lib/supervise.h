/*
 * supervise.h - the root's supervisor (supervise.c): one thread that
 * watches every child FMP, marks a dead one gone everywhere, stops a
 * broken one, and ends the children in order at exit.
 *
 * The supervisor knows processes, not policies: what a death means (a
 * restart, a recycled instance, a replica dropped) is the policies'
 * (policy.c), which give it their handlers at start (fr__supervise_ops).
 */
#ifndef FR_SUPERVISE_H
#define FR_SUPERVISE_H

#include <stdint.h>

#include "ctl.h"

/* What the layer above does with the supervisor's news.  Each runs on the
 * supervisor thread; any may be NULL. */
struct fr_supervise_ops {
    /* FMP @k ended (wait status @status) while the program runs. */
    void (*died)(int k, int status);
    /* Whether @k's end with @status is routine (a recycled instance): the
     * supervisor says nothing of it. */
    int (*expected)(int k, int status);
    /* A control datagram of child @from the supervisor does not handle
     * itself (FR_CTL_INIT_COPY, FR_CTL_RECYCLE); it may take descriptors
     * that came with it (@in->fds), and the others are closed after. */
    void (*note)(int from, struct fr_ctl_in *in);
    /* Work due later (warm spares): ms until the next, -1: none; run it. */
    int (*due_ms)(void);
    void (*run_due)(void);
    /* The program ends: before the children are asked to exit. */
    void (*stopping)(void);
};
void fr__supervise_set_ops(const struct fr_supervise_ops *ops);

/*
 * Stop FMP @fmp, whose incarnation @gen (as the reporter knew it) broke the
 * protocol: said once with @why; a child asks the root.  A report about an
 * incarnation already replaced is dropped.
 */
void fr__fault(int fmp, uint32_t gen, const char *why);
int fr__supervisor_start(void);
void fr__shutdown(void);
/* Ask every child to exit, wait, kill the rest (supervisor thread, or the
 * exiting thread when there is none). */
void fr__stop_children(void);
void fr__mark_gone(int fmp, int status);
/* Reap child @k and act on its end (supervisor thread). */
void fr__reap(int k);
/* A control datagram from child @from, outside of a start: handled, its
 * descriptors taken or closed. */
void fr__ctl_handle(int from, struct fr_ctl_in *in);
/* Read and handle one datagram waiting on child @k's control socket: as
 * fr__ctl_recv (1 or more: one was handled; -EAGAIN: none waits). */
ssize_t fr__ctl_take(int k);
/* Handle every datagram waiting on child @k's control socket (what it
 * sent before it died among them: its copies of FR_INIT calls). */
void fr__ctl_drain(int k);
/* Wait up to @ms for child @k to send a datagram of @type, handling any
 * other that comes meanwhile (a fault report, a copy: as usual).  0,
 * -ETIMEDOUT, or -EPIPE (it ended, or closed its socket). */
int fr__ctl_await(int k, uint32_t type, int ms);
/* Root: whether child @k's process has ended (its pidfd says so), though
 * it may not be reaped yet: the supervisor thread asks, busy elsewhere. */
int fr__child_ended(int k);
/* Whether FMPs @a and @b share a region: only then may one call the other. */
int fr__paired(int a, int b);

#endif /* FR_SUPERVISE_H */
