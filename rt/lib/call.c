/*
 * call.c - the caller side of a cross-FMP call (the fr_call_* / fr_put_* /
 * fr_get_* half of fracture/abi.h).
 *
 * The request is never built in private memory: fr_put_* only records
 * pointers, and fr__chan_send streams them straight into the channel.  The
 * reply is copied once into the logical thread's reply buffer and decoded
 * from there, each field checked against what this side declares; nothing
 * the callee wrote can make the caller write past a buffer it declared.
 * A reply that fails a check ends the callee (fr__fault): a broken callee
 * is treated like a crashed one.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fault.h"
#include "futex.h"
#include "group.h"
#include "program.h"
#include "runtime.h"
#include "wire.h"

void fr_call_begin(struct fr_call *c, unsigned fn)
{
    c->fn = fn;
    c->err = 0;
    c->nfields = 0;
    c->cap = FR_CALL_INLINE_FIELDS;
    c->fields = c->inline_fields;
    c->rp = c->rend = NULL;
    c->lt = NULL;
    c->peer = -1;
    c->nfds_in = c->nfds_out = 0;
    c->why = NULL;
    c->alias = NULL;
}

void fr_call_refuse(struct fr_call *c, const char *why)
{
    if (c->err)
        return;
    c->err = -EINVAL;
    c->why = why;
}

static void add(struct fr_call *c, uint32_t kind, const void *p, uint64_t len, int fd)
{
    if (c->err)
        return;
    if (c->nfields == c->cap) {
        unsigned cap = c->cap * 2;
        struct fr__field *f = malloc(cap * sizeof *f);
        if (!f) {
            c->err = -ENOMEM;
            return;
        }
        memcpy(f, c->fields, c->nfields * sizeof *f);
        if (c->fields != c->inline_fields)
            free(c->fields);
        c->fields = f;
        c->cap = cap;
    }
    c->fields[c->nfields++] = (struct fr__field){ .ptr = p, .len = len, .kind = kind, .fd = fd };
}

void fr_put_scalar(struct fr_call *c, const void *p, size_t n)
{
    add(c, FR_W_SCALAR, p, n, -1);
}

void fr_put_in(struct fr_call *c, const void *p, size_t n)
{
    add(c, p ? FR_W_IN : FR_W_NULLPTR, p, p ? n : 0, -1);
}

void fr_put_out(struct fr_call *c, const void *p, size_t n)
{
    /* p is not sent (OUT carries only its length): it is kept to find
     * buffers that overlap (alias_plan). */
    add(c, p ? FR_W_OUT : FR_W_NULLPTR, p, p ? n : 0, -1);
}

void fr_put_inout(struct fr_call *c, const void *p, size_t n)
{
    add(c, p ? FR_W_INOUT : FR_W_NULLPTR, p, p ? n : 0, -1);
}

void fr_put_string(struct fr_call *c, const char *s)
{
    add(c, s ? FR_W_STRING : FR_W_NULLPTR, s, s ? strlen(s) + 1 : 0, -1);
}

void fr_put_strings(struct fr_call *c, const char *const *v, size_t n)
{
    if (!v) {
        add(c, FR_W_NULLPTR, NULL, 0, -1);
        return;
    }
    /* The count goes first, so that the callee can size the array before
     * it knows the parameter that counts it. */
    add(c, FR_W_STRV, NULL, n, -1);
    for (size_t i = 0; i < n; i++)
        fr_put_string(c, v[i]);
}

void fr_put_strv(struct fr_call *c, const char *const *v)
{
    size_t n = 0;

    while (v && v[n])
        n++;
    fr_put_strings(c, v, n);
}

void fr_put_fd(struct fr_call *c, int fd)
{
    add(c, FR_W_FD, NULL, 0, fd);
    c->nfds_in++;
}

void fr_put_callback(struct fr_call *c, fr_fnptr fn)
{
    const struct fr_app *app = fr__rt.app;

    if (!fn) {
        add(c, FR_W_NULLPTR, NULL, 0, -1);
        return;
    }
    for (unsigned i = 0; i < app->nfunctions; i++) {
        const struct fr_function *f = &app->functions[i];
        if ((f->flags & FR_FN_CALLBACK) && (f->stub == fn || f->impl == fn)) {
            add(c, FR_W_CALLBACK, NULL, 0, (int)i);
            return;
        }
    }
    fr_call_refuse(c, "a function pointer argument is not a callback of the module table; "
                      "annotate the function it points to (FR_CALLBACK)");
}

/* The callee broke the protocol: fail the call and end the callee. */
static void broken(struct fr_call *c, const char *what)
{
    if (c->err)
        return;
    c->err = -EPROTO;
    if (c->peer >= 0) {
        char why[160];
        snprintf(why, sizeof why, "sent a malformed reply to %s(): %s",
                 fr__rt.app->functions[c->fn].name, what);
        fr__fault(c->peer, c->lt ? ((struct fr_lt *)c->lt)->gen[fr__rt.region_of_fmp[c->peer]] : 0,
                  why);
    }
}

static int send_fds(struct fr_call *c, struct fr_lt *lt, int r)
{
    uint32_t seq = fr__chan_req_seq(lt, r), idx = 0;

    for (unsigned i = 0; i < c->nfields; i++) {
        if (c->fields[i].kind != FR_W_FD && c->fields[i].kind != FR_W_FDONLY)
            continue;
        int rc = fr__fd_send(&fr__rt.regions[r], lt->id, seq, idx++, c->fields[i].fd);
        if (rc < 0)
            return rc;
    }
    return 0;
}

#define REPLAY_TIMEOUT_NS ((int64_t)10 * 1000000000)

/* Whether the FMP will not come back (restarts exhausted). */
static int peer_lost(int peer)
{
    int r = fr__rt.region_of_fmp[peer];

    if (r < 0)
        return 0;
    return (int)atomic_load(fr__peer_lost(r));
}

/* One attempt: send the request, wait for the reply (serving nested calls
 * meanwhile).  A failure of the callee's FMP comes back as -EPIPE (gone),
 * -ETIMEDOUT or -EPROTO (then it has been stopped). */
static int attempt(struct fr_call *c, struct fr_lt *lt, int r, uint32_t *gen, int mode,
                   const struct fr__field *pre)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];
    int64_t deadline = -1;
    int rc;

    c->err = 0;
    fr__stdio_boundary();
    rc = send_fds(c, lt, r);
    /* a follower replica's request: the leader's record goes first */
    if (rc == 0)
        rc = fr__chan_send_after(lt, r, FR_MSG_REQ, c->fn, mode, pre, c->fields, c->nfields);
    *gen = lt->gen[r];        /* the incarnation this attempt spoke to */
    if (rc < 0)
        return c->err = rc;
    if (lt->depth > 0)
        FR_FAULT_POINT("nested-call");
    if (fr__rt.call_timeout_ns > 0)
        deadline = fr__now_ns() + fr__rt.call_timeout_ns;
    else if (fr__replaying)
        deadline = fr__now_ns() + REPLAY_TIMEOUT_NS;   /* the supervisor must not hang */

    for (;;) {
        struct fr_msg m;
        int got;

        /* A nested call may have met the callee's new incarnation: then
         * the one this request went to is dead, and no reply will come. */
        if (lt->gen[r] != *gen)
            return c->err = -EPIPE;
        rc = fr__chan_wait(lt, r, deadline, &got);
        if (rc == -ETIMEDOUT) {
            char why[160];
            snprintf(why, sizeof why, "did not return from %s() within call_timeout_ms (%lld ms)",
                     f->name,
                     (long long)(fr__rt.call_timeout_ns / 1000000));
            fr__fault(c->peer, lt->gen[r], why);
            return c->err = -ETIMEDOUT;
        }
        if (rc == -EPROTO) {
            if (got == r && fr__chan_peer_moved(lt, r))
                return c->err = -EPIPE;
            if (got == r)
                broken(c, "sent a stale or forged message");
            else
                fr__fault(fr__rt.regions[got].peer, lt->gen[got], "sent a stale or forged message");
            return c->err = -EPROTO;
        }
        if (rc < 0)
            return c->err = rc;
        if (fr__chan_peek_kind(lt, got) == FR_MSG_REQ) {
            /* A nested call back into this FMP: run it on this thread. */
            rc = fr__serve(lt, got);
            if (rc == -EPROTO || rc == -ENOMEM) {
                if (got == r) {
                    broken(c, "a malformed nested request");
                    return c->err;
                }
                fr__fault(fr__rt.regions[got].peer, lt->gen[got], "sent a malformed nested request");
            }
            continue;
        }
        if (got != r) {
            fr__fault(fr__rt.regions[got].peer, lt->gen[got], "sent a reply nobody asked for");
            continue;
        }
        c->rseq = fr__chan_next_seq(lt, r);
        rc = fr__chan_recv(lt, r, &lt->rbuf, &lt->rcap, &m);
        if (rc == -EPIPE || (rc < 0 && fr__chan_peer_moved(lt, r)))
            return c->err = -EPIPE;   /* died mid-reply: replayable */
        if (rc < 0 || (m.kind != FR_MSG_REP && m.kind != FR_MSG_ERR) || m.fn != c->fn) {
            broken(c, "a bad message header");
            return c->err;
        }
        if (m.kind == FR_MSG_ERR) {
            /* The next call opens the slot again: the callee's acceptor
             * then tries again to start this logical thread's worker. */
            if (m.status == -FR_ENOWORKER)
                lt->opened[r] = 0;
            /* The callee refused the call (no such function here, out of
             * memory, a reply too large): its status, never positive. */
            return c->err = m.status < 0 && m.status > -4096 ? m.status : -EIO;
        }
        if (fr__wire_check(m.data, m.data + m.len) < 0) {
            broken(c, "a field runs past the end of the reply");
            return c->err;
        }
        c->rp = m.data;
        c->rend = m.data + m.len;
        return 0;
    }
}

/*
 * Whether the peer of region r is back from a restart (0), or will not
 * come back (-EPIPE).  Sleeps on the region's incarnation word, which the
 * root bumps and wakes when it restarts the peer.
 *
 * Back means: `gone` is clear (the root clears it only once the new
 * incarnation is up and its FR_INIT calls replayed) and the incarnation
 * the attempt failed on is not one this process stopped (`failed`, set by
 * a timeout or a malformed reply, holds until the incarnation moves).
 * The attempt may have failed on the new incarnation itself, seen before
 * it was ready: then the word never moves again, and `gone` alone tells.
 */
static int wait_back(int r, uint32_t failed_gen)
{
    struct fr_region *rg = &fr__rt.regions[r];
    struct fr_region_hdr *h = rg->base;
    int peer_side = !rg->side;
    int64_t give_up = fr__now_ns() + (int64_t)120 * 1000000000;

    while (fr__now_ns() < give_up) {
        uint32_t g = atomic_load(&h->gen[peer_side]);
        if (atomic_load(fr__peer_lost(r)))
            return -EPIPE;
        if (!atomic_load(fr__peer_gone(r)) &&
            (g != failed_gen || !atomic_load(&rg->failed)))
            return 0;
        _Atomic uint32_t *w = &h->gen[peer_side];
        fr__futex_wait_any(&w, &g, 1, 100 * 1000000);
    }
    return -EPIPE;
}

/* A failed attempt against a restartable FMP: whether to try again. */
static int replay_allowed(struct fr_call *c, int r, uint32_t failed_gen, int *replays)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];
    int max = fr__rt.retries[c->peer];

    if (fr__replaying || max < 0 ||
        (c->err != -EPIPE && c->err != -ETIMEDOUT && c->err != -EPROTO))
        return 0;
    if (*replays >= max) {
        fr__log("call to %s() ended FMP '%s' %d times; it fails alone", f->name,
                fr__rt.fmps[c->peer].name, *replays + 1);
        return 0;
    }
    if (wait_back(r, failed_gen) < 0)
        return 0;
    ++*replays;
    return 1;
}

int fr__call_to(struct fr_call *c, struct fr_lt *lt, int peer, int mode,
                const struct fr__field *pre)
{
    int r = fr__rt.region_of_fmp[peer], rc, replays = 0;
    uint32_t gen = 0;

    c->peer = peer;
    if (r < 0)
        return c->err = -ENOTCONN;
    /* Copy-by-value-result makes a call replayable as it is: the caller's
     * arguments are untouched until a reply is accepted. */
    do
        rc = attempt(c, lt, r, &gen, mode, pre);
    while (rc < 0 && replay_allowed(c, r, gen, &replays));
    if (rc < 0)
        fr__program_park_if_exiting();   /* the callee went with the program */
    return rc;
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
        memcpy((void *)s->lo, f->data, (size_t)f->len);
        s->got = 1;
        return;
    }
    if (f->kind == FR_W_ALIAS && f->aux == m->span && s->got && f->len == sizeof m->off_len &&
        memcmp(f->data, m->off_len, sizeof m->off_len) == 0)
        return;
    broken(c, "buffers that overlap did not come back as the region they share");
}

int fr_call_invoke(struct fr_call *c)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];
    struct fr_lt *lt;
    int rc = 0;

    if (c->err)
        return c->err;
    if (!c->alias && alias_plan(c) < 0)
        return c->err = -ENOMEM;
    c->peer = fr__rt.fmp_of_module[f->module];
    if (fr__rt.region_of_fmp[c->peer] < 0)
        return c->err = -ENOTCONN;
    lt = fr__lt_current(&rc);
    if (!lt)
        return c->err = rc;
    c->lt = lt;
    /* A follower replica does not call out: the leader's record answers. */
    if (FR__UNLIKELY(lt->rep != NULL) && fr__replica_intercept(c, lt, &rc))
        return rc;
    if (FR__UNLIKELY(fr__rt.groups != NULL) && fr__rt.group_of[c->peer] >= 0)
        rc = fr__group_invoke(c, lt);
    else
        rc = fr__call_to(c, lt, c->peer, 0, NULL);
    if (FR__UNLIKELY(lt->rep != NULL))
        fr__replica_note(c, lt, rc);
    if (rc == 0 && (f->flags & FR_FN_INIT))
        fr__init_log(c);
    return rc;
}

/* ---- FR_INIT log ------------------------------------------------------- */

struct init_entry {
    int peer;
    unsigned fn;
    unsigned char *bytes;     /* the encoded request (malloc) */
    uint64_t len;
    int *fds;                 /* duplicates of its descriptors, sent again (malloc) */
    unsigned nfds;
};

static struct {
    pthread_mutex_t lock;
    struct init_entry *e;
    size_t n;
} init_log = { .lock = PTHREAD_MUTEX_INITIALIZER };

void fr__init_log(const struct fr_call *c)
{
    uint64_t len = fr__wire_size(c->fields, c->nfields);
    struct fr_wire_enc enc = { 0, 0 };
    unsigned char *bytes;
    struct init_entry *e;

    int *fds = NULL;
    unsigned nfds = 0;

    /* A restarted FMP gets what the first incarnation got: its own
     * duplicate of each descriptor, as a logger that keeps its file
     * (FR_FD_KEEP) needs; the log holds one of each for that. */
    for (unsigned i = 0; i < c->nfields; i++)
        nfds += c->fields[i].kind == FR_W_FD;
    if (nfds && !(fds = malloc(nfds * sizeof *fds)))
        return;
    nfds = 0;
    for (unsigned i = 0; i < c->nfields; i++) {
        if (c->fields[i].kind != FR_W_FD)
            continue;
        fds[nfds] = fcntl(c->fields[i].fd, F_DUPFD_CLOEXEC, 3);
        if (fds[nfds] < 0) {
            fr__log("cannot keep a descriptor of an FR_INIT call to replay it: %s",
                    strerror(errno));
            while (nfds)
                close(fds[--nfds]);
            free(fds);
            return;
        }
        nfds++;
    }
    bytes = malloc(len ? len : 1);
    if (!bytes) {
        while (nfds)
            close(fds[--nfds]);
        free(fds);
        return;
    }
    fr__wire_fill(c->fields, c->nfields, &enc, bytes, len);
    int first = 1;
    pthread_mutex_lock(&init_log.lock);
    for (size_t i = 0; i < init_log.n; i++)
        first &= init_log.e[i].peer != fr__group_primary(c->peer);
    e = realloc(init_log.e, (init_log.n + 1) * sizeof *e);
    if (e) {
        init_log.e = e;
        e[init_log.n++] = (struct init_entry){ fr__group_primary(c->peer), c->fn, bytes, len,
                                               fds, nfds };
        bytes = NULL;
        fds = NULL;
    }
    pthread_mutex_unlock(&init_log.lock);
    free(bytes);
    while (fds && nfds)
        close(fds[--nfds]);
    free(fds);
    /* A child's log is replayed when the root asks (restart.c): tell it
     * once per peer that there is something to ask for. */
    if (first && e && fr__rt.self != 0) {
        struct fr_ctl_msg m = { FR_CTL_INIT_LOGGED, (uint32_t)fr__group_primary(c->peer), 0 };
        if (send(fr__rt.ctl, &m, sizeof m, MSG_NOSIGNAL) < 0)
            fr__log("cannot tell the root of an FR_INIT call: %s", strerror(errno));
    }
}

int fr__init_logged(int peer)
{
    int found = 0;

    pthread_mutex_lock(&init_log.lock);
    for (size_t i = 0; i < init_log.n && !found; i++)
        found = init_log.e[i].peer == fr__group_primary(peer);
    pthread_mutex_unlock(&init_log.lock);
    return found;
}

int fr__init_replay(int peer)
{
    struct init_entry *copy = NULL;
    size_t n = 0;
    int rc = 0, r = fr__rt.region_of_fmp[peer];
    struct fr_lt *lt = fr__lt_current(&rc);

    if (!lt || r < 0)
        return lt ? -ENOTCONN : rc;
    /* A copy: a replayed init may call back into this FMP, and log. */
    pthread_mutex_lock(&init_log.lock);
    if (init_log.n && (copy = malloc(init_log.n * sizeof *copy))) {
        memcpy(copy, init_log.e, init_log.n * sizeof *copy);
        n = init_log.n;
    }
    pthread_mutex_unlock(&init_log.lock);
    fr__replaying = 1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct fr_call c;
        /* a member of a group gets the calls made to the group */
        if (copy[i].peer != fr__group_primary(peer))
            continue;
        fr_call_begin(&c, copy[i].fn);
        c.peer = peer;
        c.lt = lt;
        /* the logged request, as it was sent; its reply is not needed */
        add(&c, FR_W_RAW, copy[i].bytes, copy[i].len, -1);
        for (unsigned k = 0; k < copy[i].nfds; k++)
            add(&c, FR_W_FDONLY, NULL, 0, copy[i].fds[k]);
        uint32_t gen;
        rc = attempt(&c, lt, r, &gen, 0, NULL);
        c.rp = c.rend;
        fr_call_end(&c);
    }
    fr__replaying = 0;
    free(copy);
    return rc;
}

static int take(struct fr_call *c, struct fr_wire_field *f)
{
    struct fr_wire_reader rd = { c->rp, c->rend };

    if (c->err)
        return c->err;
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
    /* on_exhausted: abort wins over the function's FR_ON_FAILURE */
    if (c->err == -EPIPE && c->peer > 0 && fr__rt.abort_exhausted &&
        fr__rt.abort_exhausted[c->peer] && peer_lost(c->peer))
        fr_call_abort(c);
    if (c->fields != c->inline_fields)
        free(c->fields);
    c->fields = c->inline_fields;
    c->cap = FR_CALL_INLINE_FIELDS;
    if (c->alias) {
        free(((struct alias_plan *)c->alias)->m);
        free(((struct alias_plan *)c->alias)->s);
        free(c->alias);
        c->alias = NULL;
    }
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
    int peer = c->peer >= 0 ? c->peer : fr__rt.fmp_of_module[f->module];
    char how[128];

    fr__program_park_if_exiting();
    if (c->err == -EINVAL && c->why) {
        /* The caller's own error: the callee never saw the call. */
        fprintf(stderr, "fracture: error: call to %s() of module '%s' refused by the caller: %s\n",
                f->name, mod, c->why);
        exit(70);
    }
    fprintf(stderr, "fracture: error: call to %s() of module '%s' failed: FMP '%s' %s%s\n",
            f->name, mod, fr__rt.fmps[peer].name, cause(c->err),
            c->err == -EPIPE ? how_gone(peer, how, sizeof how) : "");
    /* What to change depends on why it could not be replayed, and on what
     * the module already allows: never ask for a cap it has. */
    int group = fr__rt.group_of ? fr__rt.group_of[peer] : -1;
    if (c->err == -ENOMEM)
        fprintf(stderr, "  hint: give FMP '%s' more memory (env: limits: memory_mb), or give "
                "%s() an FR_ON_FAILURE value\n", fr__rt.fmps[peer].name, f->name);
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
