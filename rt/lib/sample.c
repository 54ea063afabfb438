/*
 * sample.c - a `sample:` FMP runs as several instances, and each call goes
 * to one of them, chosen by weight: an instance under Valgrind sees a
 * sample of the live traffic, and is recycled after N calls so that its
 * leak report is written, while the program goes on.
 *
 * Choice: the i-th choice a process makes for a group is
 * splitmix64(seed + (i+1) * golden) mod the sum of the weights, mapped onto
 * the instances in order: the same seed gives the same sequence of
 * choices, in the order the process calls.  An instance that is lost is
 * passed over for the next one that serves.  A logical thread stays with
 * the instance it was sent to until that call returns: the choice is
 * pinned in the thread's metadata, which follows it into every FMP, so a
 * nested call back into the group, from anywhere, reaches the instance
 * serving the call (group.c).  A call that passes handles an instance
 * made goes to that instance, whatever the draw or the pin says (a
 * sibling does not hold the objects: it would refuse them, ESTALE); one
 * that passes handles of two instances fails with EXDEV, said.  FR_INIT
 * calls go to every instance, so that each starts from the same state;
 * but one that passes an instance's handles goes to that instance alone,
 * is logged as its own and replayed into it only (initlog.c): its
 * siblings never held the objects.
 *
 * Recycling, the protocol:
 *   1. an instance with recycle_after_calls K counts the calls its workers
 *      serve; after the K-th reply it takes no new call (a worker that
 *      finds one parks, leaving it in its channel) and sends RECYCLE;
 *   2. the root closes its control socket: the instance exits cleanly,
 *      as at the end of a run, so that Valgrind writes its report
 *      (DIR/FMP.instanceJ.PID.xml, group.c);
 *   3. the supervisor reaps it and, instead of a crash, starts the
 *      instance afresh in its environment: channels reset, FR_INIT calls
 *      replayed, then the calls left in its channels are replayed by their
 *      callers (fr__restart_call), as after a restart: the caller notices
 *      nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <talloc.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "group.h"
#include "handle.h"
#include "log.h"
#include "sample.h"
#include "policy.h"
#include "restart.h"
#include "spawn.h"
#include "state.h"
#include "supervise.h"

static uint64_t splitmix64(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t fr__sample_next(struct fr_group *g)
{
    uint64_t i = atomic_fetch_add(&g->draws, 1);

    return splitmix64(g->seed + (i + 1) * 0x9e3779b97f4a7c15ull);
}

static int draw(struct fr_group *g)
{
    uint64_t x = fr__sample_next(g) % g->total;
    int j = 0;

    while (j < g->n - 1 && x >= g->weight[j])
        x -= g->weight[j++];
    for (int k = 0; k < g->n; k++)
        if (fr__member_alive(g->member[(j + k) % g->n]))
            return (j + k) % g->n;
    return j;                 /* none serves: the call fails as for a lost FMP */
}

/*
 * A sampled instance lost for good (it died: instances are not
 * restarted) with a call in flight: the call goes to another instance
 * that serves, as a replay, fed the same log of nested calls, so that the
 * caller sees nothing of the death.  1 with *to set, or 0.
 */
static int elsewhere(struct fr_call *c, int *to)
{
    int peer = c->peer, gi = fr__rt.group_of[peer];
    const struct fr_group *g = &fr__rt.groups[gi];

    if (c->err != -EPIPE || fr__member_alive(peer))
        return 0;
    for (int j = 0; j < g->n; j++) {
        int m = g->member[j];
        if (m != peer && fr__rt.region_of_fmp[m] >= 0 && fr__member_alive(m)) {
            fr__log("call to %s(): FMP '%s' is gone; the call goes to '%s'",
                    fr__rt.app->functions[c->fn].name, fr__rt.fmps[peer].name,
                    fr__rt.fmps[m].name);
            *to = m;
            return 1;
        }
    }
    return 0;
}

/* One call to instance @j of @g. */
static int call_member(struct fr_call *c, struct fr_lt *lt, const struct fr_group *g, int j)
{
    return fr__restart_call(c, lt, g->member[j], 0, NULL, elsewhere);
}

static int sample_call(struct fr_call *c, struct fr_lt *lt, int peer)
{
    struct fr_group *g = &fr__rt.groups[fr__rt.group_of[peer]];
    int j, set = 0, rc = -EPIPE;

    if (fr__rt.app->functions[c->fn].flags & FR_FN_INIT) {
        int only = fr__handle_init_only();
        /* one instance's handles: that instance alone (initlog.c logs it so) */
        if (only >= 0)
            return call_member(c, lt, g, fr__member_index(only));
        /* every instance; the first one's reply is decoded (called last) */
        for (j = g->n - 1; j >= 0; j--)
            if (fr__member_alive(g->member[j]))
                rc = call_member(c, lt, g, j);
        return rc;
    }
    /* A call that passes an instance's handles goes to that instance,
     * wherever the draw or a pin would send it: no sibling holds the
     * objects.  Handles of two instances: no one process holds both. */
    int made = fr__handle_maker_said(c, fr__rt.group_of[peer], &j);
    if (made < 0)
        return made;
    int pinned = -1, had = fr__pin_get(g, &pinned);
    if (made && had && pinned != j) {
        /* nested in a call another instance serves: this one goes to the
         * maker (and calls nested in it stay there), then the pin is put
         * back */
        fr__pin_set(g, j);
        rc = call_member(c, lt, g, j);
        fr__pin_set(g, pinned);
        return rc;
    }
    if (!made && had)
        j = pinned;
    else if (!made)
        j = g->n > 1 ? draw(g) : 0;   /* one: the crowd's twin (its caller drew, crowdcall.c) */
    if (!had)
        set = fr__pin_set(g, j);
    FR_ASSERTF(j >= 0 && j < g->n, "instance %d of %d", j, g->n);
    rc = call_member(c, lt, g, j);
    fr__pin_clear(g, set);
    return rc;
}

/* ---- an instance ------------------------------------------------------- */

static _Atomic uint64_t served;
static _Atomic int retiring;

void fr__sample_served(void)
{
    struct fr_ctl_msg m = { FR_CTL_RECYCLE, (uint32_t)fr__rt.self, 0 };

    if (atomic_fetch_add(&served, 1) + 1 != fr__rt.recycle_after)
        return;
    atomic_store(&retiring, 1);
    if (send(fr__rt.ctl, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m)
        fr__log("cannot ask the root to recycle this instance");
}

int fr__sample_retiring(void)
{
    return atomic_load(&retiring);
}

void fr__sample_park(void)
{
    /* the process ends when the root closes its control socket (child.c) */
    for (;;)
        pause();
}

/* ---- the root ---------------------------------------------------------- */

static uint8_t *recycling;    /* per FMP; supervisor thread only */

void fr__sample_recycle_asked(int k)
{
    int gi = fr__rt.group_of[k], j = fr__member_index(k);

    if (gi < 0 || fr__rt.groups[gi].kind != FR_GROUP_SAMPLE || !fr__rt.groups[gi].recycle[j])
        return;
    if (!recycling && !(recycling = calloc((size_t)fr__rt.nfmps, 1)))
        return;
    recycling[k] = 1;
    /* as at exit: closing its control socket lets it exit cleanly */
    if (fr__rt.fmps[k].ctl >= 0)
        close(fr__rt.fmps[k].ctl);
    fr__rt.fmps[k].ctl = -1;
    /* without a pidfd the closed socket was the only news of its end */
    if (fr__rt.fmps[k].pidfd < 0)
        fr__reap(k);
}

int fr__sample_recycling(int k)
{
    return recycling && recycling[k];
}

void fr__sample_recycle(int k)
{
    void *tmp = talloc_new(NULL);
    char err[512] = "out of memory";
    int rc = -ENOMEM;

    recycling[k] = 0;
    if (tmp)
        rc = fr__reincarnate(k, fr__member_env(tmp, fr__boot_fmp(k), k), err, sizeof err);
    talloc_free(tmp);
    if (rc < 0) {
        char why[600];
        snprintf(why, sizeof why, "its recycled instance did not start (%s)", err);
        fr__lose(k, why);
    }
}

/* A death of an instance: a recycled one starts afresh; a crashed one
 * restarts on its own under a restart: policy (its calls in flight wait
 * for it and replay there), or is lost (they go to the other instances). */
static void sample_died(int k, int status)
{
    if (fr__sample_recycling(k))
        fr__sample_recycle(k);
    else if (fr__rt.groups[fr__rt.group_of[k]].restarts)
        fr__restart_or_lose(k, status);
    else
        fr__lose(k, "it has no restart: policy");
}

const struct fr_policy fr__sample_policy = { "sample", sample_call, sample_died, NULL };
