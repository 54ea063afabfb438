/*
 * call.c - the caller side of a cross-FMP call (the fr_call_invoke /
 * fr_get_* / fr_call_end half of fracture/abi.h; fr_put_* is request.c's):
 * the top of the runtime's layers.  fr_call_invoke hands the call to the
 * policy of the callee's FMP (policy.h), which runs the exchanges
 * (exchange.h).
 *
 * The reply is copied once into the logical thread's reply buffer and decoded
 * from there, each field checked against what this side declares; nothing
 * the callee wrote can make the caller write past a buffer it declared.
 * A reply that fails a check ends the callee (fr__fault): a broken callee
 * is treated like a crashed one.
 *
 * A call a hook watches (hook.h) runs the agent's actions around it here,
 * in the caller's FMP; a hooked module of this FMP is run here by local.c.
 *
 * While tracing (trace.h), a call to a module of this FMP is run here by
 * local.c, its reply taken from the callee's fields rather than from the
 * buffer (a buffer there may be the caller's own, written in place), and a
 * call to another FMP is counted there around its sending.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "callee.h"
#include "crowdcall.h"
#include "exchange.h"
#include "fdpass.h"
#include "group.h"
#include "replicate.h"
#include "handle.h"
#include "hook.h"
#include "initlog.h"
#include "local.h"
#include "lthread.h"
#include "nlog.h"
#include "policy.h"
#include "program.h"
#include "request.h"
#include "state.h"
#include "trace.h"
#include "wire.h"

/* The reply of @c is malformed: the call fails, its callee is stopped. */
static void broken(struct fr_call *c, const char *what)
{
    (void)fr__xchg_broken(c, what);
}

/* Whether the FMP will not come back (restarts exhausted). */
static int peer_lost(int peer)
{
    int r = fr__rt.region_of_fmp[peer];

    if (r < 0)
        return 0;
    return (int)atomic_load(fr__peer_lost(r));
}

/* ---- buffers that overlap ----------------------------------------------- */

/*
 * Copy-by-value-result copies each buffer apart; where two buffers of one
 * call overlap in the caller (f(&x, &x), an FR_IN inside an FR_OUT) and the
 * callee writes one, copies made apart would not show it the alias.  So
 * they travel as one region (wire.h: SPAN, ALIAS) and come back as one.
 * The plan is the caller's own, made from its own pointers: a reply is
 * checked against it as against every other declared length.
 */
struct alias_member {
    const void *p;
    size_t n;
    unsigned span;
    int got;                  /* its reply field was taken */
    uint64_t off_len[2];      /* what its ALIAS field carries */
};

struct alias_span {
    uintptr_t lo, hi;
    unsigned group;           /* while planning: the group it spans */
    int got;                  /* the bytes came back */
};

struct alias_plan {
    struct alias_member *m;
    unsigned nm;
    struct alias_span *s;
    unsigned ns;
};

/* What may share memory with a written buffer: buffers, and strings the
 * callee reads (a string inside a buffer it writes sees the writes). */
static int alias_cand(const struct fr__field *f)
{
    return (f->kind == FR_W_IN || f->kind == FR_W_INOUT || f->kind == FR_W_OUT ||
            f->kind == FR_W_STRING) &&
           f->ptr && f->len > 0;
}

static int alias_written(const struct fr__field *f)
{
    return f->kind == FR_W_INOUT || f->kind == FR_W_OUT;
}

static int fields_overlap(const struct fr__field *a, const struct fr__field *b)
{
    uintptr_t x = (uintptr_t)a->ptr, y = (uintptr_t)b->ptr;

    return x < y + b->len && y < x + a->len;
}

static unsigned root_of(unsigned *up, unsigned i)
{
    while (up[i] != i)
        i = up[i] = up[up[i]];
    return i;
}

/* Rewrite the request's fields so that buffers that overlap, one of them
 * written, travel as one span.  Returns 0 or -ENOMEM. */
static int alias_plan(struct fr_call *c)
{
    unsigned n = c->nfields, ncand = 0, nwritten = 0, nout = 0, *up, *span_of;
    struct alias_plan *pl;
    struct fr__field *out;
    int any = 0;

    for (unsigned i = 0; i < n; i++) {
        ncand += alias_cand(&c->fields[i]);
        nwritten += alias_written(&c->fields[i]);
    }
    if (ncand < 2 || nwritten == 0)
        return 0;
    for (unsigned i = 0; i < n && !any; i++)
        for (unsigned j = i + 1; j < n && !any; j++)
            any = alias_cand(&c->fields[i]) && alias_cand(&c->fields[j]) &&
                  fields_overlap(&c->fields[i], &c->fields[j]);
    if (!any)
        return 0;

    up = malloc(2 * n * sizeof *up);
    pl = calloc(1, sizeof *pl);
    if (!up || !pl)
        goto oom;
    span_of = up + n;
    for (unsigned i = 0; i < n; i++)
        up[i] = i;
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = i + 1; j < n; j++)
            if (alias_cand(&c->fields[i]) && alias_cand(&c->fields[j]) &&
                fields_overlap(&c->fields[i], &c->fields[j]))
                up[root_of(up, j)] = root_of(up, i);
    /* a group: two or more that overlap, one of them written */
    for (unsigned i = 0; i < n; i++) {
        unsigned r = root_of(up, i), size = 0, written = 0;
        span_of[i] = UINT32_MAX;
        if (!alias_cand(&c->fields[i]))
            continue;
        for (unsigned j = 0; j < n; j++)
            if (alias_cand(&c->fields[j]) && root_of(up, j) == r) {
                size++;
                written += alias_written(&c->fields[j]);
            }
        if (size < 2 || !written)
            continue;
        span_of[i] = r;       /* renumbered below */
        pl->nm++;
    }
    pl->m = calloc(pl->nm, sizeof *pl->m);
    pl->s = calloc(pl->nm, sizeof *pl->s);
    out = malloc((n + pl->nm) * sizeof *out);
    if (!pl->m || !pl->s || !out) {
        free(out);
        goto oom;
    }
    for (unsigned i = 0, k = 0; i < n; i++) {
        const struct fr__field *f = &c->fields[i];
        unsigned sp;

        if (span_of[i] == UINT32_MAX) {
            out[nout++] = *f;
            continue;
        }
        /* the first of its group opens the span */
        for (sp = 0; sp < pl->ns; sp++)
            if (pl->s[sp].group == span_of[i])
                break;
        if (sp == pl->ns) {
            uintptr_t lo = UINTPTR_MAX, hi = 0;
            for (unsigned j = i; j < n; j++)
                if (span_of[j] == span_of[i]) {
                    uintptr_t a = (uintptr_t)c->fields[j].ptr;
                    lo = a < lo ? a : lo;
                    hi = a + c->fields[j].len > hi ? a + c->fields[j].len : hi;
                }
            pl->s[pl->ns++] = (struct alias_span){ lo, hi, span_of[i], 0 };
            out[nout++] = (struct fr__field){ .ptr = (const void *)lo, .len = hi - lo,
                                              .kind = FR_W_SPAN, .fd = -1 };
        }
        struct alias_member *m = &pl->m[k++];
        *m = (struct alias_member){ f->ptr, (size_t)f->len, sp, 0,
                                    { (uintptr_t)f->ptr - pl->s[sp].lo, f->len } };
        out[nout++] = (struct fr__field){ .ptr = m->off_len, .len = sizeof m->off_len,
                                          .kind = FR_W_ALIAS, .fd = (int)sp };
    }
    if (c->fields != c->inline_fields)
        free(c->fields);
    c->fields = out;
    c->nfields = c->cap = nout;
    c->alias = pl;
    free(up);
    return 0;
oom:
    if (pl) {
        free(pl->m);
        free(pl->s);
    }
    free(pl);
    free(up);
    return -ENOMEM;
}

/* The member of the plan that a reply field for (@dst, @n) answers: the
 * first not yet answered, in the order the buffers were put. */
static struct alias_member *alias_member(struct fr_call *c, const void *dst, size_t n)
{
    struct alias_plan *pl = c->alias;

    for (unsigned i = 0; pl && i < pl->nm; i++)
        if (pl->m[i].p == dst && pl->m[i].n == n && !pl->m[i].got)
            return &pl->m[i];
    return NULL;
}

/* The reply field of a member: the whole span for the first of its group
 * to come back, an ALIAS that names it for the others. */
static void alias_get(struct fr_call *c, struct alias_member *m, const struct fr_wire_field *f)
{
    struct alias_span *s = &((struct alias_plan *)c->alias)->s[m->span];

    m->got = 1;
    if (f->kind == FR_W_BUF && f->aux == m->span + 1 && !s->got && f->len == s->hi - s->lo) {
        if ((uintptr_t)f->data != s->lo)   /* a local call's callee wrote there itself */
            memcpy((void *)s->lo, f->data, (size_t)f->len);
        s->got = 1;
        return;
    }
    if (f->kind == FR_W_ALIAS && f->aux == m->span && s->got && f->len == sizeof m->off_len &&
        memcmp(f->data, m->off_len, sizeof m->off_len) == 0)
        return;
    broken(c, "buffers that overlap did not come back as the region they share");
}

/* Send @c to its callee's FMP through the FMP's policy.  Inlined into
 * fr_call_invoke's untraced path (tracing takes its address). */
static inline __attribute__((always_inline)) int call_out(struct fr_call *c, struct fr_lt *lt)
{
    /* An FR_INIT call is logged, or fed if it repeats one (initlog.c). */
    int rc = FR__UNLIKELY(fr__rt.app->functions[c->fn].flags & FR_FN_INIT)
                 ? fr__init_call(c, lt)
                 : fr__policy_of(c->peer)->call(c, lt, c->peer);

    if (FR__UNLIKELY(lt->rep != NULL))
        fr__replica_note(c, lt, rc);
    return rc;
}

static inline __attribute__((always_inline)) int invoke(struct fr_call *c);

/* A hooked call (hook.h): the agent's actions around the call, in the
 * caller's FMP; the shadow's run where the callee is (local.c, callee.c).
 * The caller is the module this thread runs. */
static __attribute__((noinline)) int invoke_hooked(struct fr_call *c)
{
    int caller = fr__cur_module, rc;

    rc = fr__hook_run(FR_HOOK_AGENT_BEFORE, c->fn, caller, c->fields, c->nfields, 0);
    if (rc < 0) {
        c->hook_failed = 1;
        return c->err = rc;
    }
    rc = invoke(c);
    int after = fr__hook_run(FR_HOOK_AGENT_AFTER, c->fn, caller, c->fields, c->nfields, rc);
    if (after < 0 && rc == 0) {
        c->hook_failed = 1;
        rc = c->err = after;
    }
    return rc;
}

int fr_call_invoke(struct fr_call *c)
{
    if (c->err)
        return c->err;
    if (FR__UNLIKELY(atomic_load_explicit(&fr__hooks_on, memory_order_relaxed)) &&
        fr__hook_wants(c->fn))
        return invoke_hooked(c);
    return invoke(c);
}

/* Send @c to FMP c->peer (another FMP): the caller's half of a split
 * call. */
static inline __attribute__((always_inline)) int invoke_out(struct fr_call *c)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];
    struct fr_lt *lt;
    int rc = 0;

    if (fr__rt.region_of_fmp[c->peer] < 0)
        return c->err = -ENOTCONN;
    lt = fr__lt_current(&rc);
    if (!lt)
        return c->err = rc;
    c->lt = lt;
    /* A frame whose asker died makes no more calls: they would be effects
     * of a call that is being replayed elsewhere (fr__lt_orphaned). */
    if (FR__UNLIKELY(lt->depth > 0) && fr__lt_orphaned(lt)) {
        if (lt->depth <= FR_FRAMES)
            lt->cancelled[lt->depth - 1] = 1;
        return c->err = -ECANCELED;
    }
    /* A follower replica does not call out: the leader's record answers. */
    if (FR__UNLIKELY(lt->rep != NULL) && fr__replica_intercept(c, lt, &rc))
        return rc;
    if (FR__UNLIKELY(fr__trace_on))
        return fr__call_counted(c, lt, call_out);
    /* The common call goes the fast path (exchange.h): a top-level call,
     * no descriptor or handle to check, nothing of FR_INIT's log, not a
     * replay; the policy takes on whatever is not common in its reply. */
    const struct fr_policy *p = fr__policy_of(c->peer);
    if (FR_LIKELY(p->resume != NULL) && FR_LIKELY(lt->depth == 0) && lt->rep == NULL &&
        (c->nhandles | (unsigned)c->nfds_in | (f->flags & FR_FN_INIT)) == 0 &&
        !fr__replaying) {
        struct fr_xchg x;
        rc = fr__xchg_fast(&x, c, lt, fr__rt.region_of_fmp[c->peer]);
        if (FR_LIKELY(rc == 0))
            return 0;
        if (rc == 2)
            return p->resume(&x);
    }
    return call_out(c, lt);
}

/* A call to a crowd module (crowdcall.h): it runs in the copy its route
 * says, here (the plain copy, when this FMP holds it) or across; an
 * FR_INIT call runs in both, the instrumented copy first, its reply
 * dropped, so that each has the module's state -- unless it passes one
 * copy's objects, then in that copy alone. */
static __attribute__((noinline)) int invoke_crowd(struct fr_call *c, unsigned m)
{
    int gi = fr__crowd_group(m), to, rc, set, both = 0;

    to = fr__rt.app->functions[c->fn].flags & FR_FN_INIT ? fr__crowd_init_route(c, gi, &both)
                                                          : fr__crowd_route(c, gi);
    if (to < 0)
        return c->err = to;
    if (both) {
        c->peer = fr__rt.groups[gi].member[0];
        if (fr__member_alive(c->peer) && (rc = invoke_out(c)) < 0)
            return rc;
        c->rp = c->rend = NULL;
        c->nfds_out = 0;
        to = fr__rt.groups[gi].plain;
    }
    set = fr__crowd_pin(gi, to);
    if (to == fr__rt.self) {
        rc = fr__call_local(c);
    } else {
        c->peer = to;
        rc = invoke_out(c);
    }
    fr__crowd_unpin(gi, set);
    return rc;
}

static inline __attribute__((always_inline)) int invoke(struct fr_call *c)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];

    /* buffers can overlap only where there are two */
    if (c->nfields >= 2 && !c->alias && alias_plan(c) < 0)
        return c->err = -ENOMEM;
    if (FR__UNLIKELY(fr__remote[f->module] >= FR_REMOTE_TRACED)) {
        if (fr__remote[f->module] == FR_REMOTE_CROWD)
            return invoke_crowd(c, f->module);
        return fr__call_local(c);
    }
    c->peer = fr__rt.fmp_of_module[f->module];
    return invoke_out(c);
}

static int take(struct fr_call *c, struct fr_wire_field *f)
{
    struct fr_wire_reader rd = { c->rp, c->rend };

    if (c->err)
        return c->err;
    if (FR__UNLIKELY(c->lt == NULL) && fr__call_is_local(c)) {
        if (fr__local_next(c, f) < 0)
            broken(c, "fewer fields than declared");
        return c->err;
    }
    if (!c->rp || fr__wire_next(&rd, f) < 0) {
        broken(c, "fewer fields than declared");
        return c->err;
    }
    c->rp = rd.p;
    return 0;
}

void fr_get_scalar(struct fr_call *c, void *dst, size_t n)
{
    struct fr_wire_field f;

    if (take(c, &f) < 0)
        return;
    if (f.kind != FR_W_SCALAR || f.len != n) {
        broken(c, "a returned value of the wrong size");
        return;
    }
    memcpy(dst, f.data, n);
}

void fr_get_handle(struct fr_call *c, void *dst, size_t n)
{
    struct fr_wire_field f;
    uint64_t v;
    int rc;

    if (n != sizeof v) {
        fr_get_scalar(c, dst, n);   /* as fr_ret_handle sent it */
        return;
    }
    /* Where no checked value comes, NULL: the bytes of a struct that came
     * back before its handles hold the callee's raw pointers there, which
     * no later check could tell from this FMP's own. */
    memset(dst, 0, sizeof v);
    if (take(c, &f) < 0)
        return;
    if (f.kind != FR_W_HANDLE) {
        broken(c, "a handle of the wrong kind");
        return;
    }
    /* One of this FMP's own, of an incarnation that died: the callee is not
     * to blame, the call fails, and the caller's code never holds it. */
    v = f.len;
    if ((rc = fr__handle_in(&v)) < 0) {
        c->err = rc;
        return;
    }
    memcpy(dst, &v, sizeof v);
}

void fr_get_handles(struct fr_call *c, void *dst, size_t n, size_t size)
{
    struct fr_wire_field f;
    unsigned char inl[16 * sizeof(uint64_t)], *tmp = inl;

    if (take(c, &f) < 0)
        return;
    if (f.kind == FR_W_NULLPTR && !dst)
        return;
    if (f.kind != FR_W_HANDLES || f.aux != 1 || f.len != n || !dst) {
        broken(c, "an array of handles of another length");
        return;
    }
    if (size && n > SIZE_MAX / size) {
        broken(c, "an array of handles too large");
        return;
    }
    /* every element first, then all at once: a call that fails midway
     * (a dead incarnation's handle of this FMP) leaves the caller's array
     * as it was */
    if (n * size > sizeof inl && !(tmp = malloc(n * size))) {
        c->err = -ENOMEM;
        return;
    }
    for (size_t i = 0; i < n && !c->err; i++)
        fr_get_handle(c, tmp + i * size, size);
    if (!c->err)
        memcpy(dst, tmp, n * size);
    if (tmp != inl)
        free(tmp);
}

void fr_get_buf(struct fr_call *c, void *dst, size_t n)
{
    struct fr_wire_field f;

    if (take(c, &f) < 0)
        return;
    if (FR__UNLIKELY(c->alias != NULL)) {
        struct alias_member *m = alias_member(c, dst, n);
        if (m) {
            alias_get(c, m, &f);
            return;
        }
    }
    if (f.kind == FR_W_NULLPTR && (!dst || n == 0))
        return;
    if (f.kind != FR_W_BUF || f.aux != 0 || f.len != n || !dst) {
        broken(c, "a buffer of another size than the caller declared");
        return;
    }
    if (f.data != dst)        /* a local call's callee wrote there itself */
        memcpy(dst, f.data, n);
}

void fr_get_string(struct fr_call *c, char **dst, size_t max)
{
    struct fr_wire_field f;

    *dst = NULL;
    if (take(c, &f) < 0 || f.kind == FR_W_NULLPTR)
        return;
    if (f.kind != FR_W_STRING || f.len == 0 || f.len > max || f.data[f.len - 1] != '\0') {
        broken(c, "a string that is not NUL-terminated within its bound");
        return;
    }
    *dst = malloc(f.len);
    if (!*dst) {
        c->err = -ENOMEM;
        return;
    }
    memcpy(*dst, f.data, f.len);
}

void fr_get_strbuf(struct fr_call *c, char *dst, size_t cap)
{
    struct fr_wire_field f;

    if (take(c, &f) < 0)
        return;
    if (f.kind == FR_W_NULLPTR && !dst)
        return;
    if (f.kind != FR_W_STRING || !dst || f.len == 0 || f.len > cap ||
        f.data[f.len - 1] != '\0') {
        broken(c, "a string that does not fit the caller's buffer");
        return;
    }
    memcpy(dst, f.data, f.len);
}

void fr_get_fd(struct fr_call *c, int *fd)
{
    struct fr_wire_field f;
    int r;

    *fd = -1;
    if (take(c, &f) < 0)
        return;
    if (f.kind != FR_W_FD) {
        broken(c, "a descriptor field is missing");
        return;
    }
    if (FR__UNLIKELY(c->lt == NULL)) {
        /* a call run here (fr__call_is_local): the reply names it */
        *fd = (int)f.aux;
        c->nfds_out++;
        return;
    }
    /* The reply's descriptors were tagged with the reply's seq. */
    r = fr__rt.region_of_fmp[c->peer];
    if (fr__fd_recv(&fr__rt.regions[r], ((struct fr_lt *)c->lt)->id, c->rseq,
                    (uint32_t)c->nfds_out++, fd) < 0)
        broken(c, "a descriptor did not arrive");
}

int fr_call_end(struct fr_call *c)
{
    if (!c->err && c->rp != c->rend)
        broken(c, "more fields than declared");
    if (FR__UNLIKELY(c->lt == NULL) && fr__call_is_local(c))
        fr__call_local_end(c);
    /* An orphaned frame's call (ECANCELED): the stub returns its zero
     * value and the frame runs to its end without effects; its reply is
     * dropped (callee.c), so nobody sees the value.  Not a failure the
     * program must handle, and never the end of the program. */
    if (c->err == -ECANCELED)
        c->err = 0;
    /* on_exhausted: abort wins over the function's FR_ON_FAILURE */
    if (c->err == -EPIPE && c->peer > 0 && fr__rt.abort_exhausted &&
        fr__rt.abort_exhausted[c->peer] && peer_lost(c->peer))
        fr_call_abort(c);
    if (FR__UNLIKELY(c->alike != NULL || c->fields != c->inline_fields))
        fr__request_free(c);
    if (c->alias) {
        free(((struct alias_plan *)c->alias)->m);
        free(((struct alias_plan *)c->alias)->s);
        free(c->alias);
        c->alias = NULL;
    }
    /* last: nothing of ours may touch it after */
    errno = c->eno_back;
    return c->err;
}

static const char *cause(int err)
{
    switch (-err) {
    case EPIPE: return "is gone";
    case EPROTO: return "broke the call protocol and was stopped";
    case ETIMEDOUT: return "did not answer within call_timeout_ms and was stopped";
    case EMSGSIZE: return "could not take a message larger than max_payload_mb";
    case ENOTCONN: return "has no channel to this FMP (the module table says these modules never call each other)";
    case ENOSYS: return "does not hold the function (the FMPs disagree about the plan)";
    case EAGAIN: return "cannot be reached: this FMP has more threads calling out than max_threads";
    case FR_ENOWORKER: return "could not start a thread to serve the call (its message above says why; "
                              "under limits.memory_mb, raise it or lower defaults.max_threads)";
    case ENOMEM: return "ran out of memory for the call";
    case ESTALE: return "was passed, or handed back, a handle minted by an incarnation of an FMP "
                        "that crashed since: its object died with it (a permanent failure; with "
                        "FR_ON_FAILURE the call fails with errno ESTALE)";
    case EBADF: return "returned no descriptor from a function that returns one (FR_RET_FD): "
                       "a split call has nothing to pass";
    case EXDEV: return "crashed, and the replay of the call made a different outward call than "
                       "the call had made before the crash (exactly once: it fails alone)";
    default: return strerror(-err);
    }
}

/* How the callee's FMP ended, as its exit status says (when it is gone). */
static const char *how_gone(int peer, char *buf, size_t len)
{
    int r = fr__rt.region_of_fmp[peer];
    int status;

    if (fr__rt.self == 0) {
        /* Its own record only: what a child wrote is no evidence. */
        if (!atomic_load(&fr__rt.fmps[peer].gone))
            return "";
        status = fr__rt.fmps[peer].status;
    } else if (r >= 0) {
        struct fr_region_hdr *h = fr__rt.regions[r].base;
        if (!atomic_load(&h->gone[!fr__rt.regions[r].side]))
            return "";
        status = atomic_load(&h->gone_status[!fr__rt.regions[r].side]);
    } else {
        return "";
    }
    buf[0] = ':';
    buf[1] = ' ';
    buf[2] = 'i';
    buf[3] = 't';
    buf[4] = ' ';
    fr__describe_status(status, buf + 5, len - 5);
    return buf;
}

void fr_call_abort(struct fr_call *c)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];
    const char *mod = fr__rt.app->modules[f->module].name;
    int peer = c->peer >= 0 ? c->peer : fr__rt.fmp_of_module ? fr__rt.fmp_of_module[f->module] : 0;
    char how[128];

    fr__program_park_if_exiting();
    if (c->hook_failed) {
        /* A meta-application's hook failed it (hook.h): nothing broke. */
        fprintf(stderr, "fracture: error: call to %s() of module '%s' failed: a hook failed it "
                "(%s)\n  hint: give %s() an FR_ON_FAILURE value to handle the failure, or "
                "take the meta-application that failed it out of the deployment (meta:)\n",
                f->name, mod, strerror(-c->err), f->name);
        exit(70);
    }
    if (c->err == -EINVAL && c->why) {
        /* The caller's own error: the callee never saw the call. */
        fprintf(stderr, "fracture: error: call to %s() of module '%s' refused by the caller: %s\n",
                f->name, mod, c->why);
        exit(70);
    }
    if (c->err == -EXDEV && c->why) {
        /* Refused before it was sent (sample.c): no FMP broke. */
        fprintf(stderr, "fracture: error: call to %s() of module '%s' failed: %s\n"
                "  hint: pass objects of one instance per call (make them in calls that "
                "pass a handle of that instance), or give %s() an FR_ON_FAILURE value "
                "(errno EXDEV)\n", f->name, mod, c->why, f->name);
        exit(70);
    }
    if (!fr__rt.fmps || !fr__rt.retries) {
        /* no config: one process, no FMP to name (a hooked local call) */
        fprintf(stderr, "fracture: error: call to %s() of module '%s' failed in this process: "
                "%s\n  hint: give %s() an FR_ON_FAILURE value to handle the failure\n",
                f->name, mod, strerror(-c->err), f->name);
        exit(70);
    }
    fprintf(stderr, "fracture: error: call to %s() of module '%s' failed: FMP '%s' %s%s\n",
            f->name, mod, fr__rt.fmps[peer].name, cause(c->err),
            c->err == -EPIPE ? how_gone(peer, how, sizeof how) : "");
    /* What to change depends on why it could not be replayed, and on what
     * the module already allows: never ask for a cap it has. */
    int group = fr__rt.group_of ? fr__rt.group_of[peer] : -1;
    if (c->err == -EBADF)
        fprintf(stderr, "  hint: give %s() an FR_ON_FAILURE value for the calls where it returns no "
                "descriptor (the plain build hands the caller the value)\n", f->name);
    else if (c->err == -ENOMEM)
        fprintf(stderr, "  hint: give FMP '%s' more memory (env: limits: memory_mb), or give "
                "%s() an FR_ON_FAILURE value\n", fr__rt.fmps[peer].name, f->name);
    else if (c->err == -ESTALE)
        fprintf(stderr, "  hint: give %s() an FR_ON_FAILURE value, and where it fails with "
                "ESTALE make a new object for the handle (the old one is gone for good)\n",
                f->name);
    else if (fr__rt.retries[peer] < 0 && group >= 0 &&
             fr__rt.groups[group].kind == FR_GROUP_REPLICATE)
        fprintf(stderr, "  hint: a replicated FMP is not restarted; give %s() an "
                "FR_ON_FAILURE value to go on without it\n", f->name);
    else if (fr__rt.retries[peer] < 0 && peer != 0 &&
             (fr__rt.app->modules[f->module].caps & FR_RESTARTABLE))
        fprintf(stderr, "  hint: module '%s' is restartable: add restart: to FMP '%s' in the "
                "config, or give %s() an FR_ON_FAILURE value\n", mod, fr__rt.fmps[peer].name,
                f->name);
    else if (fr__rt.retries[peer] < 0)
        fprintf(stderr, "  hint: make module '%s' restartable (FR_RESTARTABLE and restart: in the "
                "config) or give %s() an FR_ON_FAILURE value\n", mod, f->name);
    else if (c->err == -EPIPE && peer_lost(peer))
        fprintf(stderr, "  hint: FMP '%s' spent its restarts (restart.max per window_s); "
                "raise them, or give %s() an FR_ON_FAILURE value\n", fr__rt.fmps[peer].name,
                f->name);
    else
        fprintf(stderr, "  hint: this call ended its FMP every time it was replayed "
                "(restart.retries); give %s() an FR_ON_FAILURE value to go on without it\n",
                f->name);
    exit(70);
}
