/*
 * fracture/hook.h - interposition on module calls (Bypass's agent and
 * shadow; DESIGN, Interposition): the API of meta-applications.
 *
 * A hook is a set of up to four actions around every call to the modules
 * (and functions) it names:
 *
 *   agent_before   in the caller's FMP, before the call is sent
 *   shadow_before  in the callee's FMP, before the function runs
 *   shadow_after   in the callee's FMP, after it ran
 *   agent_after    in the caller's FMP, once the reply is back
 *
 * Where both modules run in one FMP all four run there, in that order.
 * Each action sees the call (struct fr_hook_call): the callee's module and
 * function, the caller's module, the FMP it runs in, and the arguments,
 * read through the module table's description of the parameters
 * (fr_hook_arg).  An action returns 0, or a negative errno to fail the
 * call: a before action stops it (the function does not run), an after
 * action drops its result.  The call then fails as a call Fracture failed
 * (FR_ON_FAILURE, abi.h's fr_failure_errno): a permanent code (ESTALE,
 * EXDEV, EINVAL, EMSGSIZE, ENOSYS, ENOTCONN) comes to the program as
 * itself, any other as the errno its FR_ON_FAILURE declares, and
 * fr_err_transient classes it by its code like any other.  Without
 * FR_ON_FAILURE the program ends with a message that names the hook's
 * failure.  An action may also just take its time (sleep, block): an
 * agent's time is the caller's own, a shadow's is the callee's and counts
 * against call_timeout_ms as the function's does.
 *
 * With no hook, a call to a module of this FMP is the unfractured call
 * behind one branch; with a hook on module A, calls to A take the
 * marshalling path here (as a traced call does) and the hooks run, while
 * calls to every other module stay direct.  The calls a hook makes itself
 * are not hooked.
 *
 * Hooks are per process: register them in every FMP where they should run
 * -- from code every FMP runs (a constructor), or, without a rebuild, from
 * the deployment config, which loads a meta-application's shared object
 * into the FMPs it names and calls its entry point there:
 *
 *   meta:
 *     - {so: ./libcount.so, fmps: [root, parsing], args: "verbose"}
 *
 *   // in libcount.so
 *   #include <fracture/hook.h>
 *   static _Atomic long calls;
 *   static int count(const struct fr_hook_call *hc, void *ud)
 *   {
 *       struct fr_hook_arg a;
 *       (void)ud;
 *       if (hc->nparams > 0 && fr_hook_arg(hc, 0, &a) == 0 && a.kind == FR_P_STRING)
 *           fprintf(stderr, "%s -> %s.%s(%s)\n", hc->caller_name, hc->module_name,
 *                   hc->function_name, (const char *)a.ptr);
 *       calls++;
 *       return 0;
 *   }
 *   int fr_meta_init(const char *args)
 *   {
 *       struct fr_hook h = { .modules = "pars*", .agent_before = count };
 *       (void)args;
 *       return fr_hook_register(&h, NULL);
 *   }
 *
 * Register before the calls you mean to see; registering and unregistering
 * while other threads make calls is safe (a call sees the hooks as they
 * were when it began).  At most FR_HOOK_MAX hooks per process.
 */
#ifndef FRACTURE_HOOK_H
#define FRACTURE_HOOK_H

#include <stddef.h>
#include <stdint.h>

#include <fracture/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FR_HOOK_MAX 32

/* Which action runs (struct fr_hook_call.action). */
enum fr_hook_action {
    FR_HOOK_AGENT_BEFORE = 1,
    FR_HOOK_SHADOW_BEFORE,
    FR_HOOK_SHADOW_AFTER,
    FR_HOOK_AGENT_AFTER,
};

/* One call as an action sees it; valid for the action's run only. */
struct fr_hook_call {
    enum fr_hook_action action;
    unsigned module;              /* the callee's module: index into the table */
    const char *module_name;
    unsigned function;            /* index of the function in the table */
    const char *function_name;
    unsigned caller;              /* the module whose code made the call */
    const char *caller_name;
    const char *fmp;              /* the FMP this action runs in ("root" without a config) */
    int pid;                      /* ... and its process */
    int result;                   /* after actions: 0, or the call's negative errno */
    const struct fr_param *params;  /* the function's parameters (abi.h) */
    unsigned nparams;
    const void *priv;             /* the runtime's */
    unsigned npriv;
};

/* One argument (fr_hook_arg). */
struct fr_hook_arg {
    const char *name;             /* the parameter's name */
    unsigned kind;                /* enum fr_param_kind (abi.h) */
    const void *ptr;              /* SCALAR: the value's bytes; IN/INOUT/OUT: the
                                   * buffer (OUT: its contents are not yet the
                                   * result before the call); STRING: the string;
                                   * NULL for a NULL pointer */
    size_t len;                   /* bytes at ptr (a string's with its NUL); for
                                   * STRINGS, the number of strings */
    int fd;                       /* FD: the descriptor in this process, else -1 */
    uint64_t handle;              /* HANDLE: the value as it travels */
};

/*
 * An action: 0 to let the call go on, a negative errno to fail it.  @ud is
 * the hook's user data.
 */
typedef int (*fr_hook_fn)(const struct fr_hook_call *hc, void *ud);

struct fr_hook {
    const char *modules;          /* glob (fnmatch) over callee module names; NULL: all */
    const char *functions;        /* glob over function names; NULL: all */
    fr_hook_fn agent_before, shadow_before, shadow_after, agent_after;  /* any may be NULL */
    void *ud;
};

/*
 * fr_hook_register - install a copy of @h (its globs are copied too) in
 * this process; *id (when @id is not NULL) names it for fr_hook_unregister.
 * 0, -EINVAL (no action, or a glob that names no module of the program:
 * a misspelt module would silently hook nothing), -ENOSPC past
 * FR_HOOK_MAX, -ENOMEM.
 */
FR_API int fr_hook_register(const struct fr_hook *h, int *id);

/* fr_hook_unregister - remove hook @id: no action of it starts after
 * this returns.  0, or -ENOENT. */
FR_API int fr_hook_unregister(int id);

/*
 * fr_hook_arg - argument @i of the call (0 .. hc->nparams - 1) in *out.
 * 0; -ERANGE for no such parameter; -ENOTSUP where the argument cannot be
 * read from the call as it travels (a parameter after a struct copied deep,
 * or one of buffers that overlap and travel as one region).
 */
FR_API int fr_hook_arg(const struct fr_hook_call *hc, unsigned i, struct fr_hook_arg *out);

/*
 * The entry point of a meta-application loaded by the config (`meta:`):
 * called once in each FMP it is loaded into, before main() runs there (in
 * a child: before it serves its first call), with the entry's `args:`
 * string ("" without one).  0 to go on, or a negative errno: the program
 * does not start, and the message names the config's line.
 */
typedef int (*fr_meta_init_fn)(const char *args);
#define FR_META_INIT "fr_meta_init"

#ifdef __cplusplus
}
#endif
#endif /* FRACTURE_HOOK_H */
