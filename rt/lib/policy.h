/*
 * policy.h - how a call to an FMP is sent and what a death of it means,
 * one handler table per kind of FMP group (policy.c):
 *
 *   kind        a call                                 a death (root)
 *   plain       one exchange                           lost for good
 *   restart     exchanges, replayed into each new      restarted within its
 *               incarnation, exactly once (restart.c)  budget, else lost
 *   replicate   to every replica, replies compared     the replica is lost;
 *               (replicate.c)                          with restart: it
 *                                                      comes back (restart.c)
 *   sample      to one instance, by weight (sample.c)  a recycled instance
 *                                                      starts afresh; a crashed
 *                                                      one is lost, or with
 *                                                      restart: restarted
 *
 * A group's members are sent to one by one through fr__member_call, which
 * is the plain or the restart kind as the member's FMP is restartable: the
 * two levels compose (a sampled memcheck instance that crashes comes back).
 */
#ifndef FR_POLICY_H
#define FR_POLICY_H

#include <fracture/abi.h>

#include "state.h"

struct fr_xchg;

struct fr_policy {
    const char *name;
    /* A call of this process to FMP @peer (for a group: its member 0). */
    int (*call)(struct fr_call *c, struct fr_lt *lt, int peer);
    /* Root, supervisor thread: FMP @k ended with wait status @status while
     * the program runs. */
    void (*died)(int k, int status);
    /* The call of an exchange whose first attempt fr_call_invoke's fast
     * path began (exchange.h, fr__xchg_fast), taken on from there as the
     * kind's call would have gone on; NULL for the kinds the fast path
     * leaves alone (a group's). */
    int (*resume)(struct fr_xchg *x);
};

extern const struct fr_policy fr__plain_policy, fr__restart_policy, fr__replicate_policy,
    fr__sample_policy;

/* The policy of FMP @k's group (state.h: fr__rt.policy, set at start). */
static inline const struct fr_policy *fr__policy_of(int k)
{
    return fr__rt.policy[k];
}

/* Choose every FMP's policy from the plan now in fr__rt (groups, retries),
 * and give the supervisor (root) the policies' handlers.  0 or -ENOMEM. */
int fr__policy_adopt(void);

#endif /* FR_POLICY_H */
