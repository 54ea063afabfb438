/*
 * plain.c - the plain kind of FMP (policy.h): a call is one exchange and
 * its failure is the call's; and fr__member_call, which sends to one
 * member of a group as the member's own kind says (plain or restart).
 */
#include "plain.h"

#include "exchange.h"
#include "policy.h"
#include "program.h"
#include "restart.h"
#include "state.h"

/* The open, placed exchange @x: its one attempt; a failure is the call's. */
static int plain_run(struct fr_xchg *x)
{
    struct fr_call *c = x->c;
    int rc = fr__xchg_attempt(x);

    FR_ASSERTF(rc != 0 || c->rp != NULL, "call to %s() succeeded without a reply",
               fr__rt.app->functions[c->fn].name);
    fr__xchg_close(x);
    if (rc < 0)
        fr__program_park_if_exiting();   /* the callee went with the program */
    return rc;
}

/* A call to a plain FMP: one exchange. */
static int plain_member_call(struct fr_call *c, struct fr_lt *lt, int peer, int mode,
                             const struct fr__field *pre)
{
    struct fr_xchg x;
    int rc = fr__xchg_open(&x, c, lt, peer, mode, pre, NULL);

    if (rc < 0)
        return rc;
    fr__xchg_place(&x);
    return plain_run(&x);
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

const struct fr_policy fr__plain_policy = { "plain", plain_call, plain_died, plain_run };

