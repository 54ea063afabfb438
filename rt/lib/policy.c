/*
 * policy.c - the policies' tables (policy.h): which kind each FMP is, the
 * plain kind itself, and the supervisor's news handed to the kind of the
 * FMP it is about.
 */
#include "policy.h"

#include <errno.h>
#include <stdlib.h>

#include "exchange.h"
#include "group.h"
#include "program.h"
#include "restart.h"
#include "standby.h"
#include "supervise.h"

/* A call to a plain FMP: one exchange; a failure is the call's. */
static int plain_member_call(struct fr_call *c, struct fr_lt *lt, int peer, int mode,
                             const struct fr__field *pre)
{
    struct fr_xchg x;
    int rc = fr__xchg_open(&x, c, lt, peer, mode, pre, NULL);

    if (rc < 0)
        return rc;
    fr__xchg_place(&x);
    rc = fr__xchg_attempt(&x);
    fr__xchg_close(&x);
    if (rc < 0)
        fr__program_park_if_exiting();   /* the callee went with the program */
    return rc;
}

int fr__member_call(struct fr_call *c, struct fr_lt *lt, int peer, int mode,
                    const struct fr__field *pre)
{
    if (fr__rt.retries[peer] >= 0)
        return fr__restart_call(c, lt, peer, mode, pre, NULL);
    return plain_member_call(c, lt, peer, mode, pre);
}

static int plain_call(struct fr_call *c, struct fr_lt *lt, int peer)
{
    return plain_member_call(c, lt, peer, 0, NULL);
}

static void plain_died(int k, int status)
{
    (void)status;
    fr__lose(k, "it has no restart: policy");
}

const struct fr_policy fr__plain_policy = { "plain", plain_call, plain_died };

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
    fr__policy_of(k)->died(k, status);
}

static void note(int from, const struct fr_ctl_msg *m)
{
    if (m->type == FR_CTL_INIT_LOGGED)
        fr__restart_note_init(from, (int)m->fmp);
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
    for (int k = 0; k < fr__rt.nfmps; k++)
        fr__rt.policy[k] = kind_of(k);
    if (fr__rt.self == 0)
        fr__supervise_set_ops(&news);
    return 0;
}
