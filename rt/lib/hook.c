/*
 * hook.c - the hooks of this process (fracture/hook.h): the table that
 * fr_hook_register fills, which functions it watches, and running the
 * actions of one call with its identity and arguments.
 *
 * A hook names modules and functions by globs; they are resolved against
 * the module table into one byte per function (`watched`) once the table
 * is known, so that a call asks one load whether it is hooked.  A hooked
 * module of this FMP is FR_REMOTE_HOOKED in fr__remote[]: its stubs take
 * the marshalling path and fr_call_invoke runs it here (local.c), where
 * the arguments are the fields the stub put.  Nothing here runs for a
 * call nobody hooks.
 *
 * Arguments are read from a call's request fields (struct fr__field, as
 * the caller put them; a shadow in another FMP decodes the wire into the
 * same form), walked in parameter order with the parameters' description
 * (struct fr_param, abi.h).
 */
#include "hook.h"

#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"

struct hook {
    int used;
    int id;
    char *modules, *functions;
    fr_hook_fn act[4];        /* by enum fr_hook_action - 1 */
    void *ud;
};

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static struct hook hooks[FR_HOOK_MAX];
static int next_id = 1;
/* Per function: whether some hook watches it; NULL until the table is
 * known.  Replaced whole (never freed: a call may be reading the old one). */
static unsigned char *_Atomic watched;
static unsigned nwatched;
/* This thread runs an action: its own calls are not hooked. */
static __thread int inside;

static const struct fr_function *fn_at(unsigned i)
{
    return &fr__rt.app->functions[i];
}

static int glob_ok(const char *glob, const char *name)
{
    return !glob || fnmatch(glob, name, 0) == 0;
}

static int watches(const struct hook *h, unsigned fn)
{
    const struct fr_function *f = fn_at(fn);

    return h->used && glob_ok(h->modules, fr__rt.app->modules[f->module].name) &&
           glob_ok(h->functions, f->name);
}

/* Recompute `watched`, fr__hooked[] and the hooked modules' fr__remote[]
 * from the table (the write lock held).  0 or -ENOMEM. */
static int resolve(void)
{
    const struct fr_app *app = fr__rt.app;
    unsigned char *w;
    int any = 0;

    if (!app)
        return 0;             /* fr__hooks_start resolves them */
    w = calloc(app->nfunctions ? app->nfunctions : 1, 1);
    if (!w)
        return -ENOMEM;
    memset(fr__hooked, 0, sizeof fr__hooked);
    for (unsigned i = 0; i < app->nfunctions; i++)
        for (int k = 0; k < FR_HOOK_MAX && !w[i]; k++)
            if (watches(&hooks[k], i)) {
                w[i] = 1;
                fr__hooked[fn_at(i)->module] = 1;
                any = 1;
            }
    /* modules of this FMP: direct, traced (2: hooks run there too) or hooked */
    for (unsigned m = 0; m < app->nmodules; m++) {
        if (fr__remote[m] == 0 && fr__hooked[m])
            fr__remote[m] = FR_REMOTE_HOOKED;
        else if (fr__remote[m] == FR_REMOTE_HOOKED && !fr__hooked[m])
            fr__remote[m] = 0;
    }
    nwatched = app->nfunctions;
    atomic_store(&watched, w);   /* the old array stays: a reader may hold it */
    atomic_store(&fr__hooks_on, any);
    return 0;
}

/* The module table in one array, as the runtime reads it: without a
 * config fr_main leaves the generated list of pointers as it is. */
static int table_ready(void)
{
    const struct fr_app *flat;

    if (!fr__rt.app || fr__rt.app->functions || !fr__rt.app->function_list)
        return 0;
    flat = fr__app_flatten(fr__rt.app);
    if (!flat)
        return -ENOMEM;
    fr__rt.app = flat;
    return 0;
}

int fr_hook_register(const struct fr_hook *h, int *id)
{
    int rc = 0, slot = -1;

    if (!h || (!h->agent_before && !h->agent_after && !h->shadow_before && !h->shadow_after))
        return -EINVAL;
    if (inside)
        return -EDEADLK;      /* from an action: the table is being read */
    pthread_rwlock_wrlock(&lock);
    if ((rc = table_ready()) < 0)
        goto out;
    for (int k = 0; k < FR_HOOK_MAX && slot < 0; k++)
        if (!hooks[k].used)
            slot = k;
    if (slot < 0) {
        rc = -ENOSPC;
        goto out;
    }
    struct hook *n = &hooks[slot];
    *n = (struct hook){ .id = next_id, .ud = h->ud,
                        .act = { h->agent_before, h->shadow_before, h->shadow_after,
                                 h->agent_after } };
    if ((h->modules && !(n->modules = strdup(h->modules))) ||
        (h->functions && !(n->functions = strdup(h->functions)))) {
        free(n->modules);
        free(n->functions);
        *n = (struct hook){ 0 };
        rc = -ENOMEM;
        goto out;
    }
    n->used = 1;
    /* A glob that names nothing would hook nothing, silently. */
    if (fr__rt.app) {
        int named = 0;
        for (unsigned i = 0; i < fr__rt.app->nfunctions && !named; i++)
            named = watches(n, i);
        if (!named) {
            free(n->modules);
            free(n->functions);
            *n = (struct hook){ 0 };
            rc = -EINVAL;
            goto out;
        }
    }
    if ((rc = resolve()) < 0) {
        free(n->modules);
        free(n->functions);
        *n = (struct hook){ 0 };
        goto out;
    }
    if (id)
        *id = next_id;
    next_id++;
out:
    pthread_rwlock_unlock(&lock);
    return rc;
}

int fr_hook_unregister(int id)
{
    int rc = -ENOENT;

    if (inside)
        return -EDEADLK;
    pthread_rwlock_wrlock(&lock);
    for (int k = 0; k < FR_HOOK_MAX; k++)
        if (hooks[k].used && hooks[k].id == id) {
            free(hooks[k].modules);
            free(hooks[k].functions);
            hooks[k] = (struct hook){ 0 };
            rc = resolve();
            break;
        }
    pthread_rwlock_unlock(&lock);
    return rc;
}

int fr__hooks_pending(void)
{
    int any = 0;

    pthread_rwlock_rdlock(&lock);
    for (int k = 0; k < FR_HOOK_MAX && !any; k++)
        any = hooks[k].used;
    pthread_rwlock_unlock(&lock);
    return any;
}

int fr__hooks_start(void)
{
    int rc;

    pthread_rwlock_wrlock(&lock);
    rc = table_ready();
    if (rc == 0)
        rc = resolve();
    pthread_rwlock_unlock(&lock);
    return rc;
}

int fr__hook_wants(unsigned fn)
{
    unsigned char *w = atomic_load_explicit(&watched, memory_order_acquire);

    return !inside && w && fn < nwatched && w[fn];
}

/* ---- running the actions ----------------------------------------------- */

int fr__hook_run(int action, unsigned fn, int caller, const struct fr__field *fields,
                 unsigned n, int result)
{
    const struct fr_function *f = fn_at(fn);
    const struct fr_app *app = fr__rt.app;
    fr_hook_fn run[FR_HOOK_MAX];
    void *ud[FR_HOOK_MAX];
    int nrun = 0, rc = 0;

    if (caller < 0 || (unsigned)caller >= app->nmodules)
        caller = 0;
    /* the actions as the table holds them now; run without the lock, so
     * that one that blocks holds nobody else up */
    pthread_rwlock_rdlock(&lock);
    for (int k = 0; k < FR_HOOK_MAX; k++)
        if (hooks[k].act[action - 1] && watches(&hooks[k], fn)) {
            run[nrun] = hooks[k].act[action - 1];
            ud[nrun++] = hooks[k].ud;
        }
    pthread_rwlock_unlock(&lock);
    if (!nrun)
        return 0;

    struct fr_hook_call hc = {
        .action = (enum fr_hook_action)action,
        .module = f->module,
        .module_name = app->modules[f->module].name,
        .function = fn,
        .function_name = f->name,
        .caller = (unsigned)caller,
        .caller_name = app->modules[caller].name,
        .fmp = fr__rt.fmps ? fr__rt.fmps[fr__rt.self].name : "root",
        .pid = (int)getpid(),
        .result = result,
        .params = f->params,
        .nparams = f->params ? f->nparams : 0,
        .priv = fields,
        .npriv = n,
    };
    inside++;
    for (int i = 0; i < nrun && rc == 0; i++) {
        rc = run[i](&hc, ud[i]);
        if (rc > 0 || rc <= -FR__HOOK_ERR_BASE)
            rc = -EIO;        /* not a negative errno: a failure all the same */
    }
    inside--;
    return rc;
}

int fr__hook_run_wire(int action, unsigned fn, int caller, const unsigned char *req,
                      uint64_t len, int result)
{
    struct fr_wire_reader rd = { req, req + len };
    struct fr__field inl[16], *fields = inl;
    struct fr_wire_field w;
    unsigned n = 0, cap = 16;
    int rc;

    while (rd.p < rd.end && fr__wire_next(&rd, &w) == 0) {
        if (n == cap) {
            struct fr__field *g = malloc(2 * cap * sizeof *g);
            if (!g) {
                rc = -ENOMEM;
                goto out;
            }
            memcpy(g, fields, n * sizeof *g);
            if (fields != inl)
                free(fields);
            fields = g;
            cap *= 2;
        }
        /* a descriptor comes apart from the bytes: not here yet */
        fields[n++] = (struct fr__field){ .ptr = w.data, .len = w.len, .kind = w.kind,
                                          .fd = w.kind == FR_W_FD ? -1 : (int32_t)w.aux };
    }
    rc = fr__hook_run(action, fn, caller, fields, n, result);
out:
    if (fields != inl)
        free(fields);
    return rc;
}

/* ---- arguments ----------------------------------------------------------- */

int fr_hook_arg(const struct fr_hook_call *hc, unsigned i, struct fr_hook_arg *out)
{
    const struct fr__field *fs = hc->priv, *f;
    unsigned j = 0;

    if (!hc || !out || i >= hc->nparams)
        return -ERANGE;
    /* fields come in parameter order; a string array takes one more per
     * string, a struct copied deep an unknown number after it */
    for (unsigned k = 0; k < i; k++) {
        if (hc->params[k].flags & FR_PARAM_DEEP)
            return -ENOTSUP;
        if (j >= hc->npriv)
            return -ENOTSUP;
        j += fs[j].kind == FR_W_STRV ? 1 + (unsigned)fs[j].len : 1;
    }
    if (j >= hc->npriv)
        return -ENOTSUP;
    f = &fs[j];
    *out = (struct fr_hook_arg){ .name = hc->params[i].name, .kind = hc->params[i].kind,
                                 .fd = -1 };
    switch (f->kind) {
    case FR_W_NULLPTR:
        return 0;
    case FR_W_SCALAR: case FR_W_IN: case FR_W_INOUT: case FR_W_STRING:
        out->ptr = f->ptr;
        out->len = (size_t)f->len;
        return 0;
    case FR_W_OUT:            /* what it holds is not the call's yet */
        out->len = (size_t)f->len;
        return 0;
    case FR_W_STRV:
        out->len = (size_t)f->len;
        return 0;
    case FR_W_FD:
        out->fd = f->fd;
        return 0;
    case FR_W_HANDLE:
        out->handle = f->len;
        return 0;
    case FR_W_CALLBACK:
        out->handle = (uint64_t)(uint32_t)f->fd;   /* the function's index */
        return 0;
    default:                  /* SPAN, ALIAS: buffers that share memory */
        return -ENOTSUP;
    }
}
