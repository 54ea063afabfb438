/*
 * restart.h - the `restart:` policy (restart.c): a call to a restartable
 * FMP is replayed into its next incarnation after a crash, exactly once;
 * the root brings the crashed FMP back (micro-Rx).
 */
#ifndef FR_RESTART_H
#define FR_RESTART_H

#include <stddef.h>

#include <fracture/abi.h>

#include "state.h"

struct fr_env;
struct fr__field;

/*
 * A call of @c to restartable FMP @peer: exchanges, each failed one (the
 * FMP died, or was stopped) waited out and attempted again in the next
 * incarnation, as the FMP's retries allow.  @mode and @pre as for
 * fr__member_call (policy.h).  When no replay is allowed, @elsewhere (may
 * be NULL) may name another FMP to send the call to (*peer; it returns 1),
 * as a replay there.
 */
int fr__restart_call(struct fr_call *c, struct fr_lt *lt, int peer, int mode,
                     const struct fr__field *pre, int (*elsewhere)(struct fr_call *c, int *peer));

/* Root: FMP @k ended with wait status @status: restart it within its
 * budget, or lose it for good. */
void fr__restart_or_lose(int k, int status);
/* Root: FMP @k again, outside of any restart budget (a recycled sampled
 * instance), in @env.  0, or -1 with @err set; nothing of the new process
 * is left on failure. */
int fr__reincarnate(int k, const struct fr_env *env, char *err, size_t errsz);
/* Root: FMP @k will not come back; callers of it fail from now on. */
void fr__lose(int k, const char *why);

/* What `fracture ps` shows of a restartable FMP (control.c). */
struct fr_restart_view {
    unsigned restarts;        /* so far */
    unsigned in_window;       /* of them, within the window now */
    unsigned max, window_s;   /* the budget: max restarts per window_s */
    unsigned nenvs;           /* restart.environments */
    int env;                  /* index of the environment of the incarnation now, -1:
                               * its own (none applied yet) */
    unsigned env_next;        /* the one its next restart will use */
};

/* Root, any thread: the restart state of FMP @k.  0, -ENOENT (no
 * restart: policy) or -ENOMEM. */
int fr__restart_view(int k, struct fr_restart_view *v);

/* Root, any thread: FMP @k's next restart skips one environment of its
 * micro-Rx list (`fracture ctl env-next`).  0; -ENOENT: no restart: policy;
 * -ENODATA: no environments; -ERANGE: the next restart uses the last one
 * already (the last one sticks); -ENOMEM. */
int fr__restart_env_next(int k);

#endif /* FR_RESTART_H */
