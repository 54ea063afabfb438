/*
 * policy.c - the top of the policies (policy.h): which kind each FMP is,
 * and the supervisor's news handed to the kind of the FMP it is about.
 */
#include "policy.h"

#include <errno.h>
#include <stdlib.h>

#include "group.h"
#include "initlog.h"
#include "sample.h"
#include "plain.h"
#include "restart.h"
#include "standby.h"
#include "supervise.h"

static const struct fr_policy *kind_of(int k)
{
    int gi = fr__rt.group_of ? fr__rt.group_of[k] : -1;

    if (gi >= 0)
        return fr__rt.groups[gi].kind == FR_GROUP_REPLICATE ? &fr__replicate_policy
                                                            : &fr__sample_policy;
    return fr__rt.retries[k] >= 0 ? &fr__restart_policy : &fr__plain_policy;
}

/* ---- the supervisor's news (root) --------------------------------------- */

static void died(int k, int status)
{
    fr__init_child_ended(k);
    fr__policy_of(k)->died(k, status);
}

static void note(int from, struct fr_ctl_in *in)
{
    const struct fr_ctl_msg *m = &in->m;

    if ((m->type == FR_CTL_INIT_COPY || (m->type >= FR_CTL_INIT_CALL &&
                                         m->type <= FR_CTL_INIT_OVER)) && (int)m->fmp == from)
        fr__init_note(from, in);
    else if (m->type == FR_CTL_RECYCLE && (int)m->fmp == from)
        fr__sample_recycle_asked(from);
}

static int expected(int k, int status)
{
    return status == 0 && fr__sample_recycling(k);
}

static const struct fr_supervise_ops news = {
    .died = died,
    .expected = expected,
    .note = note,
    .due_ms = fr__standby_due_ms,
    .run_due = fr__standby_run_due,
    .stopping = fr__standby_stop_all,
};

int fr__policy_adopt(void)
{
    /* process-lifetime, as the rest of fr__rt: calloc, never freed */
    fr__rt.policy = calloc((size_t)fr__rt.nfmps, sizeof *fr__rt.policy);
    if (!fr__rt.policy)
        return -ENOMEM;
    for (int k = 0; k < fr__rt.nfmps; k++) {
        fr__rt.policy[k] = kind_of(k);
        /* a group's members take its kind; the root is never restarted */
        FR_ASSERTF(k != 0 || fr__rt.policy[k] == &fr__plain_policy, "the root is a %s FMP",
                   fr__rt.policy[k]->name);
    }
    if (fr__rt.self == 0)
        fr__supervise_set_ops(&news);
    return 0;
}
