/*
 * local.c - calls while tracing.  A training run must count the bytes a
 * split deployment would carry, whatever its own deployment (all in one
 * above all), so a call between two modules of one FMP is not made
 * directly then: its stub takes the marshalling path (the module is
 * FR_REMOTE_TRACED, trace.h), and fr_call_invoke hands it here.  Nothing
 * is encoded: the function's dispatcher runs in this process on the
 * fields the stub put (fr__serve_local, callee.c), and the stub's fr_get_*
 * check and take the reply from the callee's fields (fr__local_next).
 * Both are counted as the wire would carry them (fr__wire_size).
 *
 * What the callee sees is what the plain program's function sees, which
 * the annotator has made what a split callee sees: the caller's own
 * buffers (no copy in, none back; an FR_OUT buffer as it is, not zeroed as
 * a split callee's copy is), the caller's own descriptor for an FR_FD (a
 * duplicate for an FR_FD_KEEP, which the callee may hold), a stub for
 * each callback pointer (tests/annotate/tracelocal).  A call the caller refuses to send split (a size
 * that overflows, a string buffer that overlaps another) is refused here
 * too, by the stub, before it comes here.
 *
 * A module a hook watches (hook.h) is run here the same way
 * (FR_REMOTE_HOOKED), traced or not: the shadow's actions run around the
 * dispatcher, the agent's around fr_call_invoke (call.c), and the thread's
 * module (fr__cur_module) is the callee's meanwhile.
 *
 * Once a metadata type that travels with calls is registered here
 * (fr__meta_local, state.h), every module of this FMP is run here too, and
 * the metadata goes as it would between two FMPs (meta.h): encoded with
 * the callbacks of the call's way out, decoded as the callee's set with
 * those of its way in; the callee's set at its return encoded the same
 * way and merged into the caller's, kept meanwhile in the frame.  So a
 * program gives the same values all in one and split.
 *
 * Not done for a local call, as for a direct one: FR_INIT logging (the
 * callee cannot restart apart from its caller), stdio flushes, the size
 * limit of a message.
 */
#include "local.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "callee.h"
#include "hook.h"
#include "meta.h"
#include "profile.h"
#include "trace.h"
#include "wire.h"

/* What one nesting depth of local calls holds: the callee's context,
 * which holds the reply until fr_call_end.  Each frame stays where it is
 * (the array of pointers may move): a dispatcher several depths down must
 * not move what a shallower call is using. */
struct frame {
    struct fr_callee *cc;
    const struct fr__field *rf;   /* the reply cc holds */
    int live;                 /* cc holds a reply not yet ended */
    struct fr__meta_set meta; /* the caller's metadata while the callee runs */
};

static __thread struct frame **stack;
static __thread unsigned nstack, depth;
static pthread_key_t stack_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* A thread that made local calls ends: its frames go with it. */
static void stack_free(void *p)
{
    struct frame **s = p;

    for (unsigned i = 0; i < nstack; i++) {
        if (s[i]->live)
            fr__serve_local_end(s[i]->cc, 0);
        fr__callee_local_free(s[i]->cc);
        free(s[i]);
    }
    free(s);
    stack = NULL;
    nstack = 0;
}

static void make_key(void)
{
    (void)pthread_key_create(&stack_key, stack_free);
}

/* The frame of depth @d (made on first use), or NULL without memory. */
static struct frame *frame_at(unsigned d)
{
    struct frame **s, *f;

    if (d < nstack)
        return stack[d];
    s = realloc(stack, (d + 1) * sizeof *s);
    if (!s)
        return NULL;
    if (s != stack) {
        pthread_once(&key_once, make_key);
        (void)pthread_setspecific(stack_key, s);
    }
    stack = s;
    f = calloc(1, sizeof *f);
    if (!f || !(f->cc = fr__callee_local_new())) {
        free(f);
        return NULL;
    }
    s[d] = f;
    nstack = d + 1;
    return f;
}

/* The descriptors a reply at @p .. @end returns. */
static unsigned reply_fds(const unsigned char *p, const unsigned char *end)
{
    struct fr_wire_reader r = { p, end };
    struct fr_wire_field f;
    unsigned n = 0;

    while (p && r.p < r.end && fr__wire_next(&r, &f) == 0)
        n += f.kind == FR_W_FD;
    return n;
}

/* The request's metadata, as a channel carries it: the caller's set out
 * (kept in @fr), the callee's in. */
static void meta_out(struct frame *fr, unsigned fn)
{
    struct fr_meta_ent e[FR_META_MAX];
    unsigned n = fr__meta_send(e, FR_META_CALL_OUT, fn);

    fr__meta_save(&fr->meta);
    fr__meta_recv(e, n, FR_META_CALL_IN, fn);
}

/* The reply's: the callee's set out, merged into the caller's. */
static void meta_back(struct frame *fr, unsigned fn)
{
    struct fr_meta_ent e[FR_META_MAX];
    unsigned n = fr__meta_send(e, FR_META_REPLY_OUT, fn);

    fr__meta_restore(&fr->meta);
    fr__meta_recv(e, n, FR_META_REPLY_IN, fn);
}

int fr__call_local(struct fr_call *c)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];
    int from = fr__trace_on ? fr__trace_current() : fr__cur_module, to = (int)f->module, was = from,
        rc;
    unsigned d = depth, nrf = 0, nfds = 0;
    const struct fr__field *rf = NULL;
    struct frame *fr;
    int64_t p0 = FR__UNLIKELY(fr__prof_on) ? fr__prof_now() : 0, s0 = 0;

    c->peer = fr__rt.self;    /* no region: nothing to stop, no handle to note */
    c->lt = NULL;
    c->rseq = d;              /* fr__call_local_end's frame */
    if (!f->dispatch)
        return c->err = -ENOSYS;
    fr = frame_at(d);
    if (!fr)
        return c->err = -ENOMEM;
    if (fr->live)             /* a call at this depth never ended (longjmp) */
        fr__serve_local_end(fr->cc, 0);
    fr->live = 0;
    /* deeper while the reply is held: a call made before fr_call_end (a
     * signal handler's) takes a frame of its own */
    depth = d + 1;
    /* the shadow's actions, here: the callee's FMP is this one (hook.h) */
    int caller = fr__cur_module;
    int meta = FR__UNLIKELY(atomic_load_explicit(&fr__meta_local, memory_order_relaxed));
    if (meta)
        meta_out(fr, c->fn);
    int hooked = FR__UNLIKELY(atomic_load_explicit(&fr__hooks_on, memory_order_relaxed)) &&
                 fr__hook_wants(c->fn);
    fr__cur_module = to;
    if (hooked &&
        (rc = fr__hook_run(FR_HOOK_SHADOW_BEFORE, c->fn, caller, c->fields, c->nfields, 0)) < 0) {
        if (meta)
            meta_back(fr, c->fn);
        fr__cur_module = caller;
        depth = d;
        c->hook_failed = 1;
        return c->err = rc;
    }
    if (fr__trace_on && from != to)
        was = fr__trace_switch(to);
    if (FR__UNLIKELY(fr__prof_on))
        s0 = fr__prof_now();
    c->eno_back = c->eno;
    rc = fr__serve_local(fr->cc, c->fn, c->fields, c->nfields, &c->eno_back, &rf, &nrf, &nfds);
    if (fr__trace_on && from != to)
        fr__trace_switch(was);
    /* profile.h: the caller's span and the callee's, one inside the other */
    if (FR__UNLIKELY(fr__prof_on))
        fr__prof_local(d, c->fn, rc, from, p0, s0);
    /* calls within a module are no edge: they never cross */
    if (fr__trace_on && from != to)
        fr__trace_count(from, c->fn, fr__wire_size(c->fields, c->nfields),
                        rc == 0 ? fr__wire_size(rf, nrf) : 0, (unsigned)c->nfds_in + nfds);
    if (hooked && rc == 0) {
        int hrc = fr__hook_run(FR_HOOK_SHADOW_AFTER, c->fn, caller, c->fields, c->nfields, 0);
        if (hrc < 0) {
            fr__serve_local_end(fr->cc, 0);
            c->hook_failed = 1;
            rc = hrc;
        }
    }
    if (meta)
        meta_back(fr, c->fn);
    fr__cur_module = caller;
    if (rc < 0) {
        depth = d;
        return c->err = rc;
    }
    fr->live = 1;
    fr->rf = rf;
    c->rp = (const unsigned char *)rf;
    c->rend = (const unsigned char *)(rf + nrf);
    return 0;
}

int fr__local_next(struct fr_call *c, struct fr_wire_field *w)
{
    const struct fr__field *f = (const struct fr__field *)c->rp;

    if (!c->rp || c->rp >= c->rend)
        return -EPROTO;
    w->kind = f->kind;
    w->aux = f->kind == FR_W_FD ? (uint32_t)f->fd : fr__wire_aux(f);
    w->len = f->len;
    w->data = fr__wire_has_data(f->kind) ? f->ptr : NULL;
    c->rp += sizeof *f;
    return 0;
}

void fr__call_local_end(struct fr_call *c)
{
    unsigned d = c->rseq;
    struct frame *fr = d < nstack ? stack[d] : NULL;

    if (!fr || !fr->live)
        return;
    fr__serve_local_end(fr->cc, (unsigned)((const struct fr__field *)c->rp - fr->rf));
    fr->live = 0;
    depth = d;
}

int fr__call_counted(struct fr_call *c, struct fr_lt *lt,
                     int (*out)(struct fr_call *c, struct fr_lt *lt))
{
    int from = fr__trace_current(), was, rc;
    uint64_t in = fr__wire_size(c->fields, c->nfields);
    int64_t p0 = 0;
    uint64_t n0 = 0;

    if (FR__UNLIKELY(fr__prof_on)) {
        n0 = fr__prof_counter(lt);
        p0 = fr__prof_now();
    }
    was = fr__trace_switch(FR_TRACE_NONE);
    rc = out(c, lt);
    fr__trace_switch(was);
    if (FR__UNLIKELY(fr__prof_on)) {   /* profile.h: the caller's span */
        struct fr_prof_key k = fr__prof_call_keys(lt, n0);
        fr__prof_span(FR_PROF_CALL, 0, (unsigned)lt->depth, c->fn, c->peer, lt->id, rc, from,
                      p0, &k);
    }
    if (from != (int)fr__rt.app->functions[c->fn].module)
        fr__trace_count(from, c->fn, in, rc == 0 ? (uint64_t)(c->rend - c->rp) : 0,
                        (unsigned)c->nfds_in + (rc == 0 ? reply_fds(c->rp, c->rend) : 0));
    return rc;
}
