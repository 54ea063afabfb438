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
    /* A control message of child @from the supervisor does not handle
     * itself (FR_CTL_INIT_LOGGED, FR_CTL_RECYCLE). */
    void (*note)(int from, const struct fr_ctl_msg *m);
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
/* A control message from child @from, outside of a start or a replay. */
void fr__ctl_handle(int from, const struct fr_ctl_msg *m);

#endif /* FR_SUPERVISE_H */
