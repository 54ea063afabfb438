/*
 * hook.h - the runtime's side of interposition (fracture/hook.h): which
 * calls a hook of this process watches, and running its actions where the
 * call is (call.c for the agent, local.c and callee.c for the shadow).
 */
#ifndef FR_HOOK_H
#define FR_HOOK_H

#include <stdint.h>

#include <fracture/abi.h>
#include <fracture/hook.h>

#include "state.h"

/* A shadow's failure travels to the caller as this status less the errno
 * (an ERR message's status), so that the caller tells it from the
 * callee's own refusals (exchange.c). */
#define FR__HOOK_ERR_BASE 4096

static inline int fr__hook_status_encode(int rc)
{
    return -FR__HOOK_ERR_BASE + rc;
}

/* 1 and *rc the hook's error when @status is a shadow's failure. */
static inline int fr__hook_status_decode(int32_t status, int *rc)
{
    if (status > -FR__HOOK_ERR_BASE || status <= -2 * FR__HOOK_ERR_BASE)
        return 0;
    *rc = status + FR__HOOK_ERR_BASE;
    return 1;
}

/* Whether a hook of this process watches function @fn now, and this
 * thread is not running a hook's action (whose calls are not hooked). */
int fr__hook_wants(unsigned fn);

/*
 * Run the actions of @action (FR_HOOK_AGENT_BEFORE .. AGENT_AFTER) for a
 * call of function @fn from module @caller whose request is @fields[0..n)
 * (as the caller put it, or decoded from the wire); @result is the call's
 * so far (after actions).  0, or the first action's negative errno.
 */
int fr__hook_run(int action, unsigned fn, int caller, const struct fr__field *fields,
                 unsigned n, int result);

/*
 * The shadow actions for a request that came from another FMP: @req[0..len)
 * the request's wire bytes, decoded for fr_hook_arg.  As fr__hook_run.
 */
int fr__hook_run_wire(int action, unsigned fn, int caller, const unsigned char *req,
                      uint64_t len, int result);

/*
 * Resolve the hooks registered so far against the module table (now known:
 * fr__rt.app, flattened if need be) and mark the hooked modules of this
 * FMP on fr__remote[].  Called once fr__remote[] is set up (start.c,
 * child.c, and fr_main without a config).  0 or -ENOMEM.
 */
int fr__hooks_start(void);

/* Whether any hook was registered (before the table was known). */
int fr__hooks_pending(void);

#endif /* FR_HOOK_H */
