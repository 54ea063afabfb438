/*
 * hook.c - the hooks of this process (fracture/hook.h): the table that
 * fr_hook_register fills, which functions it watches, and running the
 * actions of one call with its identity and arguments.
 *
 * A hook names modules and functions by globs; they are resolved against
 * the module table into one mask per function (`watched`, a bit per hook)
 * once the table is known, so that a call asks one load whether it is
 * hooked and no glob is matched on a call's path.  The table of hooks is a
 * snapshot read without a lock, replaced whole by each registration.  A hooked
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
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"

struct hook {
    int id;
    char *modules, *functions;
    fr_hook_fn act[4];        /* by enum fr_hook_action - 1 */
    void *ud;
};

/*
 * The hooks in force: an immutable snapshot that a call reads without a
 * lock, replaced whole by every registration (under `lock`).  A call may
 * still read an older one, so none is freed: each stays reachable from
 * its successor (a registration is rare; a snapshot is a few hundred
 * bytes).
 */
struct snap {
    unsigned n;
    struct hook h[FR_HOOK_MAX];
    uint32_t *watched;        /* per function: bit k, hook k watches it (resolved
                               * once, no glob on a call's path); NULL until the
                               * table is known */
    unsigned nwatched;
    struct snap *older;
};

_Static_assert(FR_HOOK_MAX <= 32, "a hook is one bit of a function's mask");

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct snap *_Atomic cur;
static int next_id = 1;
/* This thread runs an action: its own calls are not hooked. */
static __thread int inside;
/* getpid() is a system call: the pid is looked up once per process. */
static _Atomic int my_pid;

static void forked(void)
{
    atomic_store(&my_pid, 0);
}

static int pid_now(void)
{
    int p = atomic_load_explicit(&my_pid, memory_order_relaxed);

    if (!p) {
        p = (int)getpid();
        atomic_store_explicit(&my_pid, p, memory_order_relaxed);
    }
    return p;
}

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

    return glob_ok(h->modules, fr__rt.app->modules[f->module].name) &&
           glob_ok(h->functions, f->name);
}

/* Resolve @s against the table into s->watched, and mark fr__hooked[] and
 * the hooked modules' fr__remote[] for it (the lock held).  0 or -ENOMEM. */
static int resolve(struct snap *s)
{
    const struct fr_app *app = fr__rt.app;
    uint32_t *w;

    if (!app)
        return 0;             /* fr__hooks_start resolves them */
    w = calloc(app->nfunctions ? app->nfunctions : 1, sizeof *w);
    if (!w)
        return -ENOMEM;
    s->watched = w;
    s->nwatched = app->nfunctions;
    return 0;
}

/* Make @s the hooks in force (the lock held, @s resolved when the table is
 * known). */
static void publish(struct snap *s)
{
    const struct fr_app *app = fr__rt.app;
    int any = 0;

    if (app) {
        memset(fr__hooked, 0, sizeof fr__hooked);
        for (unsigned i = 0; i < app->nfunctions; i++)
            for (unsigned k = 0; k < s->n; k++)
                if (watches(&s->h[k], i)) {
                    s->watched[i] |= (uint32_t)1 << k;
                    fr__hooked[fn_at(i)->module] = 1;
                    any = 1;
                }
        /* modules of this FMP: direct, traced (2: hooks run there too) or hooked */
        (void)fr__remote_local_refresh();   /* flattened already: cannot fail */
    }
    s->older = atomic_load(&cur);
    atomic_store_explicit(&cur, s, memory_order_release);
    atomic_store(&fr__hooks_on, any);
}

/* A new snapshot: @from's hooks (NULL: none), their globs copied. */
static struct snap *snap_copy(const struct snap *from)
{
    struct snap *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    for (unsigned k = 0; from && k < from->n; k++) {
        struct hook *h = &s->h[s->n];
        *h = from->h[k];
        h->modules = h->functions = NULL;
        if ((from->h[k].modules && !(h->modules = strdup(from->h[k].modules))) ||
            (from->h[k].functions && !(h->functions = strdup(from->h[k].functions)))) {
            free(h->modules);
            goto oom;
        }
        s->n++;
    }
    return s;
oom:
    for (unsigned k = 0; k < s->n; k++) {
        free(s->h[k].modules);
        free(s->h[k].functions);
    }
    free(s);
    return NULL;
}

static void snap_free(struct snap *s)
{
    for (unsigned k = 0; s && k < s->n; k++) {
        free(s->h[k].modules);
        free(s->h[k].functions);
    }
    if (s)
        free(s->watched);
    free(s);
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

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void atfork_init(void)
{
    (void)pthread_atfork(NULL, NULL, forked);
}

int fr_hook_register(const struct fr_hook *h, int *id)
{
    struct snap *s = NULL;
    int rc = 0;

    if (!h || (!h->agent_before && !h->agent_after && !h->shadow_before && !h->shadow_after))
        return -EINVAL;
    if (inside)
        return -EDEADLK;      /* from an action: keep actions short and simple */
    pthread_once(&atfork_once, atfork_init);
    pthread_mutex_lock(&lock);
    if ((rc = table_ready()) < 0)
        goto out;
    s = snap_copy(atomic_load(&cur));
    rc = -ENOMEM;
    if (!s)
        goto out;
    rc = -ENOSPC;
    if (s->n == FR_HOOK_MAX)
        goto out;
    struct hook *n = &s->h[s->n];
    *n = (struct hook){ .id = next_id, .ud = h->ud,
                        .act = { h->agent_before, h->shadow_before, h->shadow_after,
                                 h->agent_after } };
    rc = -ENOMEM;
    if ((h->modules && !(n->modules = strdup(h->modules))) ||
        (h->functions && !(n->functions = strdup(h->functions))))
        goto out_n;
    /* A glob that names nothing would hook nothing, silently. */
    if (fr__rt.app) {
        int named = 0;
        for (unsigned i = 0; i < fr__rt.app->nfunctions && !named; i++)
            named = watches(n, i);
        rc = -EINVAL;
        if (!named)
            goto out_n;
    }
    s->n++;
    if ((rc = resolve(s)) < 0)
        goto out;
    publish(s);
    s = NULL;
    if (id)
        *id = next_id;
    next_id++;
    goto out;
out_n:
    free(n->modules);
    free(n->functions);
    n->modules = n->functions = NULL;
out:
    snap_free(s);
    pthread_mutex_unlock(&lock);
    return rc;
}

int fr_hook_unregister(int id)
{
    struct snap *s, *old;
    int rc = -ENOENT;

    if (inside)
        return -EDEADLK;
    pthread_mutex_lock(&lock);
    old = atomic_load(&cur);
    for (unsigned k = 0; old && k < old->n; k++) {
        if (old->h[k].id != id)
            continue;
        rc = -ENOMEM;
        s = snap_copy(old);
        if (!s)
            break;
        free(s->h[k].modules);
        free(s->h[k].functions);
        memmove(&s->h[k], &s->h[k + 1], (s->n - k - 1) * sizeof s->h[0]);
        s->n--;
        if ((rc = resolve(s)) < 0) {
            snap_free(s);
            break;
        }
        publish(s);
        break;
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

int fr__hooks_pending(void)
{
    struct snap *s = atomic_load(&cur);

    return s && s->n > 0;
}

int fr__hooks_start(void)
{
    struct snap *s;
    int rc;

    pthread_mutex_lock(&lock);
    rc = table_ready();
    if (rc == 0)
        rc = fr__remote_local_refresh();   /* metadata may want the local path */
    if (rc == 0 && atomic_load(&cur)) {
        rc = -ENOMEM;
        s = snap_copy(atomic_load(&cur));
        if (s && (rc = resolve(s)) == 0)
            publish(s);
        else
            snap_free(s);
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

int fr__hook_wants(unsigned fn)
{
    struct snap *s = atomic_load_explicit(&cur, memory_order_acquire);

    return !inside && s && s->watched && fn < s->nwatched && s->watched[fn];
}

/* ---- running the actions ----------------------------------------------- */

int fr__hook_run(int action, unsigned fn, int caller, const struct fr__field *fields,
                 unsigned n, int result)
{
    const struct snap *s = atomic_load_explicit(&cur, memory_order_acquire);
    const struct fr_function *f = fn_at(fn);
    const struct fr_app *app = fr__rt.app;
    int rc = 0, any = 0;

    if (!s)
        return 0;
    if (caller < 0 || (unsigned)caller >= app->nmodules)
        caller = 0;
    uint32_t mask = s->watched && fn < s->nwatched ? s->watched[fn] : 0;
    for (unsigned k = 0; k < s->n && !any; k++)
        any = s->h[k].act[action - 1] && (mask >> k & 1);
    if (!any)
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
        .pid = pid_now(),
        .result = result,
        .params = f->params,
        .nparams = f->params ? f->nparams : 0,
        .priv = fields,
        .npriv = n,
    };
    /* the snapshot of the call's start: one a registration replaces stays */
    inside++;
    for (unsigned k = 0; k < s->n && rc == 0; k++) {
        if (!s->h[k].act[action - 1] || !(mask >> k & 1))
            continue;
        rc = s->h[k].act[action - 1](&hc, s->h[k].ud);
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
     * string, an array of handles sent one more per handle, a struct
     * copied deep an unknown number after it */
    for (unsigned k = 0; k < i; k++) {
        if (hc->params[k].flags & FR_PARAM_DEEP)
            return -ENOTSUP;
        if (j >= hc->npriv)
            return -ENOTSUP;
        j += fs[j].kind == FR_W_STRV || (fs[j].kind == FR_W_HANDLES && fs[j].fd == 1)
                 ? 1 + (unsigned)fs[j].len : 1;
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
    case FR_W_HANDLES:        /* the count; the elements follow, one field each */
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
