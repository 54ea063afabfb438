/*
 * callee.c - the callee side of a cross-FMP call: take a request off a
 * slot into a per-call talloc arena, unmarshal it for the function's
 * dispatcher (fr_arg_*), collect the reply (fr_ret_*), send it, and free
 * the arena in one place.
 *
 * Used by workers for a new call and by a waiting caller for a nested call
 * that comes back into its FMP.
 *
 * The common call allocates nothing: the request lands in a buffer the
 * logical thread keeps per nesting depth, small results go to scratch space
 * in the frame, and the talloc arena is made only when a dispatcher needs
 * memory (an OUT buffer, many fields, fr_callee_arena()).
 *
 * A shadow hook (hook.h) runs around the dispatch, on the request as it
 * came; its failure is the reply (a status of its own, hook.h).
 *
 * While tracing, a call to a module of this FMP runs here too
 * (fr__serve_local, local.h): the same dispatcher on the caller's request
 * fields themselves, nothing encoded either way, in a context that takes
 * descriptors from the request rather than from a region's socket and
 * lives on until the caller has taken the reply from its fields.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <unistd.h>

#include "fault.h"
#include "group.h"
#include "replicate.h"
#include "sample.h"
#include "program.h"
#include "callee.h"
#include "channel.h"
#include "fdpass.h"
#include "handle.h"
#include "hook.h"
#include "meta.h"
#include "nlog.h"
#include "state.h"
#include "supervise.h"
#include "profile.h"
#include "trace.h"
#include "wire.h"

#define INLINE_REPLY 8
#define SCRATCH 256

struct fr_callee {
    struct fr_lt *lt;
    int r;
    uint32_t req_seq;         /* tags of the request's descriptors */
    struct fr_wire_reader rd;
    struct fr__field *rf;     /* reply fields (inline_rf, or the arena) */
    unsigned rcap;
    /* From here to inline_rf: all zero for a fresh call (callee_init).
     * The pointers first, then the 4-byte fields: no padding, so that a
     * field added here changes the size callee_init asserts. */
    void *arena;              /* NULL until needed */
    int *fds;                 /* received descriptors, closed after the call */
    void **owned;             /* malloc()ed memory freed after the reply */
    struct span *spans;       /* buffers the caller's memory shares (wire.h) */
    struct member *members;   /* what each of them was handed out as */
    struct src *srcs;         /* a replica's reply: where its bytes came from (note_src) */
    size_t scratch_used;
    const struct fr__field *lf, *lend;  /* a local call's request (rd's stead) */
    int local;                /* a call of this FMP (fr__serve_local): no region */
    unsigned nrf;
    uint32_t nfd_in;
    unsigned nfds;
    unsigned nowned;
    int err;
    int eno;                  /* errno: the caller's, then the function's (fr_errno_*) */
    unsigned nspans;
    unsigned nmembers;
    unsigned nsrcs;
    struct fr__field inline_rf[INLINE_REPLY];
    _Alignas(16) unsigned char scratch[SCRATCH];
};

struct span {
    unsigned char *p;
    uint64_t len;
    int sent;                 /* the reply carries it already */
    /* Handles fr_arg_handle untagged in it (structs copied deep that share
     * the caller's memory): tagged again as the span goes back, so that
     * bytes no written buffer covers (an FR_IN beside an FR_INOUT) come
     * home as the caller sent them, not as this FMP's raw pointers. */
    unsigned char **handles;
    unsigned nhandles;
};

/* A field of a replica's reply that holds bytes of the function's memory
 * (a buffer, a struct returned): where they came from, so that a handle
 * among them can be found and written as its group's number (reply_handle). */
struct src {
    unsigned field;
    const unsigned char *p;
};

struct member {
    void *p;
    size_t n;
    unsigned span;
    const unsigned char *off_len;  /* its ALIAS field's data, sent back as is */
    int back;
};

static void *arena(struct fr_callee *cc)
{
    if (!cc->arena)
        cc->arena = talloc_new(NULL);
    return cc->arena;
}

/* The next field of a local call's request, as the wire would bring it,
 * but pointing at the caller's own memory (an OUT buffer included), and a
 * descriptor's number in aux: the caller is this process.  Never a
 * message of another FMP, which the reader above takes. */
static int local_take(struct fr_callee *cc, struct fr_wire_field *f)
{
    const struct fr__field *l = cc->lf;

    if (l == cc->lend)
        return cc->err = -EPROTO;
    cc->lf++;
    f->kind = l->kind;
    f->aux = l->kind == FR_W_FD ? (uint32_t)l->fd : fr__wire_aux(l);
    f->len = l->len;
    f->data = fr__wire_has_data(l->kind) || l->kind == FR_W_OUT ? l->ptr : NULL;
    return 0;
}

static int take(struct fr_callee *cc, struct fr_wire_field *f)
{
    if (cc->err)
        return cc->err;
    if (FR__UNLIKELY(cc->local))
        return local_take(cc, f);
    if (fr__wire_next(&cc->rd, f) < 0)
        return cc->err = -EPROTO;
    return 0;
}

/* Take a pointer field: 1 for a NULL pointer (*p, *n cleared), 0 for one
 * of @kind_a or @kind_b, or the call's error. */
static int take_ptr(struct fr_callee *cc, struct fr_wire_field *f, uint32_t kind_a,
                    uint32_t kind_b, void **p, size_t *n)
{
    if (take(cc, f) < 0)
        return cc->err;
    if (f->kind == FR_W_NULLPTR) {
        *p = NULL;
        *n = 0;
        return 1;
    }
    if (f->kind != kind_a && f->kind != kind_b)
        return cc->err = -EPROTO;
    return 0;
}

void *fr_callee_arena(struct fr_callee *cc)
{
    return arena(cc);
}

void fr_errno_enter(struct fr_callee *cc)
{
    errno = cc->eno;
}

void fr_errno_leave(struct fr_callee *cc, int err)
{
    cc->eno = err;
}

int fr_arg_scalar(struct fr_callee *cc, void *dst, size_t n)
{
    struct fr_wire_field f;

    if (take(cc, &f) < 0)
        return cc->err;
    if (f.kind != FR_W_SCALAR || f.len != n)
        return cc->err = -EPROTO;
    memcpy(dst, f.data, n);
    return 0;
}

/* A buffer that shares the caller's memory with others of the call: a
 * SPAN (the region, opened by the first of them) and its ALIAS, or an
 * ALIAS into a span already open.  *p points into the span. */
static int take_alias(struct fr_callee *cc, struct fr_wire_field *f, void **p, size_t *n)
{
    uint64_t ol[2];

    if (f->kind == FR_W_SPAN) {
        struct span *s = arena(cc) ? talloc_realloc(cc->arena, cc->spans, struct span,
                                                    cc->nspans + 1)
                                   : NULL;
        if (!s)
            return cc->err = -ENOMEM;
        cc->spans = s;
        /* the request buffer is this call's own: the span is handed out in place */
        s[cc->nspans++] = (struct span){ (unsigned char *)f->data, f->len, 0, NULL, 0 };
        if (take(cc, f) < 0)
            return cc->err;
    }
    if (f->kind != FR_W_ALIAS || f->len != sizeof ol || f->aux >= cc->nspans)
        return cc->err = -EPROTO;
    memcpy(ol, f->data, sizeof ol);
    if (ol[0] > cc->spans[f->aux].len || ol[1] > cc->spans[f->aux].len - ol[0] || ol[1] == 0)
        return cc->err = -EPROTO;
    struct member *m = talloc_realloc(cc->arena, cc->members, struct member, cc->nmembers + 1);
    if (!m)
        return cc->err = -ENOMEM;
    cc->members = m;
    *p = cc->spans[f->aux].p + ol[0];
    *n = (size_t)ol[1];
    m[cc->nmembers++] = (struct member){ *p, *n, f->aux, f->data, 0 };
    return 0;
}

/* A buffer parameter: NULL; a buffer sharing a span with others; for
 * @out an OUT (a zeroed buffer of the caller's size), else an IN or INOUT
 * (the request buffer is this call's own copy: handed out in place). */
static int take_buf(struct fr_callee *cc, int out, void **p, size_t *n)
{
    struct fr_wire_field f;

    if (take(cc, &f) < 0)
        return cc->err;
    if (f.kind == FR_W_NULLPTR) {
        *p = NULL;
        *n = 0;
        return 0;
    }
    /* shared with another buffer: the caller's bytes, as it would see them */
    if (f.kind == FR_W_SPAN || f.kind == FR_W_ALIAS)
        return take_alias(cc, &f, p, n);
    if (out && f.kind == FR_W_OUT) {
        /* a local call's buffer is the caller's own: no message, no limit
         * (and no config may have set one) */
        if (!cc->local && f.len > fr__rt.max_payload)
            return cc->err = -EPROTO;
        if (FR__UNLIKELY(cc->local)) {
            /* the caller's buffer as it is, as the plain function gets it
             * (zeroing it as a split callee's is took a training run of
             * apps/httpd 15 KB of stores per request) */
            *p = (void *)f.data;
        } else {
            *p = arena(cc) ? talloc_zero_size(cc->arena, f.len ? f.len : 1) : NULL;
        }
        if (!*p)
            return cc->err = -ENOMEM;
    } else if (!out && (f.kind == FR_W_IN || f.kind == FR_W_INOUT)) {
        *p = (void *)f.data;
    } else {
        return cc->err = -EPROTO;
    }
    *n = (size_t)f.len;
    return 0;
}

int fr_arg_in(struct fr_callee *cc, void **p, size_t *n)
{
    return take_buf(cc, 0, p, n);
}

int fr_arg_out(struct fr_callee *cc, void **p, size_t *n)
{
    return take_buf(cc, 1, p, n);
}

int fr_arg_string(struct fr_callee *cc, char **s)
{
    struct fr_wire_field f;
    size_t n;

    if (take(cc, &f) < 0)
        return cc->err;
    switch (f.kind) {
    case FR_W_NULLPTR:
        *s = NULL;
        return 0;
    case FR_W_SPAN:
    case FR_W_ALIAS:
        /* inside a buffer the callee writes: it reads where the writes land */
        if (take_alias(cc, &f, (void **)s, &n) < 0)
            return cc->err;
        break;
    case FR_W_STRING:
        *s = (char *)f.data;
        n = (size_t)f.len;
        break;
    default:
        return cc->err = -EPROTO;
    }
    if (n == 0 || (*s)[n - 1] != '\0')
        return cc->err = -EPROTO;
    return 0;
}

/* FR_STRING with FR_INOUT(cap): once every parameter is known (cap may
 * name a later one), the string read by fr_arg_string moves into a zeroed
 * buffer of @cap bytes, so that the function may write up to its capacity. */
int fr_arg_strbuf(struct fr_callee *cc, char **s, size_t cap)
{
    char *buf;
    size_t len;

    if (!*s)
        return 0;
    len = strlen(*s) + 1;
    if (len > cap || (!cc->local && cap > fr__rt.max_payload))
        return cc->err = -EPROTO;
    buf = arena(cc) ? talloc_zero_size(cc->arena, cap) : NULL;
    if (!buf)
        return cc->err = -ENOMEM;
    memcpy(buf, *s, len);
    *s = buf;
    return 0;
}

int fr_arg_fd_keep(struct fr_callee *cc, int *fd)
{
    struct fr_wire_field f;

    if (take(cc, &f) < 0)
        return cc->err;
    if (f.kind != FR_W_FD)
        return cc->err = -EPROTO;
    if (FR__UNLIKELY(cc->local)) {
        /* the caller's own descriptor: the callee gets a duplicate, as
         * from another FMP (closed after the call unless it keeps it) */
        *fd = fcntl((int)f.aux, F_DUPFD_CLOEXEC, 0);
        return *fd < 0 ? (cc->err = -errno) : 0;
    }
    if (fr__fd_recv(&fr__rt.regions[cc->r], cc->lt->id, cc->req_seq, cc->nfd_in++, fd) < 0)
        return cc->err = -EPROTO;
    return 0;
}

/* FR_FD: the duplicate is lent for the call, closed once it returns.  A
 * local callee (tracing) borrows the caller's own descriptor instead, as
 * the plain function does: no duplicate to make and close, two system
 * calls a call; one that is not a descriptor at all (negative) fails the
 * call as a split caller fails to send it. */
int fr_arg_fd(struct fr_callee *cc, int *fd)
{
    struct fr_wire_field f;
    int *fds;

    if (FR__UNLIKELY(cc->local)) {
        if (take(cc, &f) < 0)
            return cc->err;
        if (f.kind != FR_W_FD)
            return cc->err = -EPROTO;
        *fd = (int)f.aux;
        return *fd < 0 ? (cc->err = -EBADF) : 0;
    }
    if (fr_arg_fd_keep(cc, fd) < 0)
        return cc->err;
    fds = arena(cc) ? talloc_realloc(cc->arena, cc->fds, int, cc->nfds + 1) : NULL;
    if (!fds) {
        close(*fd);
        return cc->err = -ENOMEM;
    }
    cc->fds = fds;
    cc->fds[cc->nfds++] = *fd;
    return 0;
}

int fr_arg_strings(struct fr_callee *cc, char ***v, size_t *n)
{
    struct fr_wire_field f;
    char **a;
    int rc = take_ptr(cc, &f, FR_W_STRV, FR_W_STRV, (void **)v, n);

    if (rc != 0)
        return rc < 0 ? rc : 0;
    /* Each string is a field of at least a header: a count the bytes left
     * cannot hold is a lie, refused before it sizes an allocation. */
    if (f.len > (cc->local ? (uint64_t)(cc->lend - cc->lf)
                           : (uint64_t)(cc->rd.end - cc->rd.p) / sizeof(struct fr_wire_hdr)))
        return cc->err = -EPROTO;
    a = arena(cc) ? talloc_array(cc->arena, char *, (size_t)f.len + 1) : NULL;
    if (!a)
        return cc->err = -ENOMEM;
    for (uint64_t i = 0; i < f.len; i++)
        if (fr_arg_string(cc, &a[i]) < 0)
            return cc->err;
    a[f.len] = NULL;
    *v = a;
    *n = (size_t)f.len;
    return 0;
}

int fr_arg_callback(struct fr_callee *cc, fr_fnptr *fn)
{
    const struct fr_app *app = fr__rt.app;
    struct fr_wire_field f;

    if (take(cc, &f) < 0)
        return cc->err;
    if (f.kind == FR_W_NULLPTR) {
        *fn = NULL;
        return 0;
    }
    if (f.kind != FR_W_CALLBACK || f.aux >= app->nfunctions || !(app->functions[f.aux].flags & FR_FN_CALLBACK))
        return cc->err = -EPROTO;
    /* The stub runs the function where its module lives. */
    *fn = app->functions[f.aux].stub;
    return 0;
}

static int add_reply(struct fr_callee *cc, uint32_t kind, const void *p,
                     uint64_t len, int fd)
{
    if (cc->err)
        return cc->err;
    if (cc->nrf == cc->rcap) {
        unsigned cap = cc->rcap * 2;
        struct fr__field *f = arena(cc) ? talloc_array(cc->arena, struct fr__field, cap) : NULL;
        if (!f)
            return cc->err = -ENOMEM;
        memcpy(f, cc->rf, cc->nrf * sizeof *f);
        cc->rf = f;
        cc->rcap = cap;
    }
    cc->rf[cc->nrf++] = (struct fr__field){ .ptr = p, .len = len, .kind = kind, .fd = fd };
    return 0;
}

/*
 * A replica's handles in the bytes of its reply.  A struct that holds a
 * handle crosses as its bytes (a buffer, a scalar) and then the handle as
 * a field of its own, which the caller writes over the bytes (fr_get_handle):
 * the bytes still hold this replica's own address, which its siblings do
 * not share, and the group compares replies byte for byte.  So a replica
 * notes where the bytes of each struct it sends back came from (fr_ret_tidy,
 * which the dispatcher calls after every one), and writes each handle's
 * number (what the field of its own carries) in its place -- in a copy in
 * the arena, for the function's memory is its own (a kept FR_RET, a
 * struct it still uses).  Outside a replica nothing is noted: the caller
 * overwrites those bytes anyway.
 */
static int note_src(struct fr_callee *cc, const void *p)
{
    struct src *s;

    if (cc->local || !p)
        return 0;
    s = arena(cc) ? talloc_realloc(cc->arena, cc->srcs, struct src, cc->nsrcs + 1) : NULL;
    if (!s)
        return cc->err = -ENOMEM;
    cc->srcs = s;
    s[cc->nsrcs++] = (struct src){ cc->nrf - 1, p };
    return 0;
}

/* Write @value, a handle's outgoing value, over the bytes of the reply
 * field that holds the handle at @at, if any does. */
static int reply_handle(struct fr_callee *cc, const void *at, uint64_t value)
{
    const unsigned char *a = at;

    for (unsigned i = cc->nsrcs; i-- > 0;) {
        struct fr__field *f = &cc->rf[cc->srcs[i].field];
        const unsigned char *src = cc->srcs[i].p;
        if (!fr__span_holds(src, f->len, a, sizeof value))
            continue;
        if (f->ptr == src) {  /* still the function's memory: copy it once */
            void *copy = talloc_memdup(cc->arena, src, f->len);
            if (!copy)
                return cc->err = -ENOMEM;
            f->ptr = copy;
        }
        memcpy((unsigned char *)f->ptr + (a - src), &value, sizeof value);
        return 0;
    }
    return 0;
}

int fr_ret_tidy(struct fr_callee *cc, fr_tidy_fn fn, const void *src, size_t size)
{
    struct fr__field *f = cc->nrf ? &cc->rf[cc->nrf - 1] : NULL;
    void *copy;

    if (!FR__UNLIKELY(fr__handle_numbering) || cc->err || cc->local || !f || !f->len)
        return cc->err;
    /* A buffer's bytes are still where they were (the function's memory,
     * or the span that holds them); a scalar's were copied from @src. */
    if (f->kind == FR_W_BUF)
        src = f->ptr;
    else if (f->kind != FR_W_SCALAR)
        return 0;             /* a span sent already, a NULL pointer */
    if (note_src(cc, src) < 0)
        return cc->err;
    /* a span's buffer holds others beside the struct: left as it is */
    if (!size || f->len % size != 0 || (f->kind == FR_W_BUF && f->fd >= 0))
        return 0;
    if (!(copy = arena(cc) ? talloc_zero_size(cc->arena, f->len) : NULL))
        return cc->err = -ENOMEM;
    fn(copy, f->ptr, f->len / size);
    f->ptr = copy;
    return 0;
}

int fr_ret_scalar(struct fr_callee *cc, const void *p, size_t n)
{
    /* The value may live in the dispatcher's frame: keep a copy. */
    void *copy;
    size_t at = (cc->scratch_used + 15) & ~(size_t)15;

    if (n <= SCRATCH - at && at <= SCRATCH) {
        copy = cc->scratch + at;
        cc->scratch_used = at + n;
        memcpy(copy, p, n);
    } else {
        copy = arena(cc) ? talloc_memdup(cc->arena, p, n ? n : 1) : NULL;
    }
    if (!copy)
        return cc->err = -ENOMEM;
    return add_reply(cc, FR_W_SCALAR, copy, n, -1);
}

/* Note handle @dst, just untagged, where it lies in a span (struct span).
 * A local call's spans are the caller's own memory, its handles the
 * caller's values: nothing to note. */
static int span_handle(struct fr_callee *cc, void *dst)
{
    unsigned char *at = dst, **h;

    for (unsigned i = 0; !cc->local && i < cc->nspans; i++) {
        struct span *s = &cc->spans[i];
        if (at < s->p || at >= s->p + s->len)
            continue;
        h = talloc_realloc(cc->arena, s->handles, unsigned char *, s->nhandles + 1);
        if (!h)
            return cc->err = -ENOMEM;
        s->handles = h;
        h[s->nhandles++] = at;
        return 0;
    }
    return 0;
}

/* A handle another incarnation of this FMP minted never reaches the
 * function: the call fails with -ESTALE before it runs (handle.h). */
int fr_arg_handle(struct fr_callee *cc, void *dst, size_t n)
{
    struct fr_wire_field f;
    uint64_t v;
    int rc;

    if (n != sizeof v)
        return fr_arg_scalar(cc, dst, n);   /* as fr_put_handle sent it */
    if (take(cc, &f) < 0)
        return cc->err;
    if (f.kind != FR_W_HANDLE)
        return cc->err = -EPROTO;
    v = f.len;
    if ((rc = fr__handle_in(&v)) < 0)
        return cc->err = rc;
    memcpy(dst, &v, sizeof v);
    return span_handle(cc, dst);
}

int fr_ret_handle(struct fr_callee *cc, const void *p, size_t n)
{
    uint64_t v;

    if (n != sizeof v)
        return fr_ret_scalar(cc, p, n);
    memcpy(&v, p, sizeof v);
    v = fr__handle_out(v);
    if (FR__UNLIKELY(cc->nsrcs != 0) && reply_handle(cc, p, v) < 0)
        return cc->err;
    return add_reply(cc, FR_W_HANDLE, NULL, v, -1);
}

int fr_arg_handles(struct fr_callee *cc, void **v, size_t *n, size_t size, int in)
{
    struct fr_wire_field f;
    unsigned char *a;
    int rc = take_ptr(cc, &f, FR_W_HANDLES, FR_W_HANDLES, v, n);

    if (rc != 0)
        return rc < 0 ? rc : 0;
    /* Each element of one sent is a field of at least a header: a count
     * the bytes left cannot hold is a lie, refused before it sizes an
     * allocation (one that comes back is the callee's, sized by it). */
    if (f.aux != (in != 0) ||
        (in && f.len > (cc->local ? (uint64_t)(cc->lend - cc->lf)
                                  : (uint64_t)(cc->rd.end - cc->rd.p) / sizeof(struct fr_wire_hdr))) ||
        (size && f.len > SIZE_MAX / size))
        return cc->err = -EPROTO;
    a = arena(cc) ? talloc_zero_size(cc->arena, f.len && size ? (size_t)f.len * size : 1) : NULL;
    if (!a)
        return cc->err = -ENOMEM;
    for (uint64_t i = 0; in && i < f.len; i++)
        if (fr_arg_handle(cc, a + i * size, size) < 0)
            return cc->err;
    *v = a;
    *n = (size_t)f.len;
    return 0;
}

int fr_ret_handles(struct fr_callee *cc, const void *v, size_t n, size_t size)
{
    int rc;

    if (!v)
        return add_reply(cc, FR_W_NULLPTR, NULL, 0, -1);
    if ((rc = add_reply(cc, FR_W_HANDLES, NULL, n, 1)) != 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = fr_ret_handle(cc, (const char *)v + i * size, size)) != 0)
            return rc;
    return 0;
}

int fr_ret_buf(struct fr_callee *cc, const void *p, size_t n)
{
    if (!p)
        return add_reply(cc, FR_W_NULLPTR, NULL, 0, -1);
    /* A buffer that shares a span: the first back brings the span. */
    for (unsigned i = 0; i < cc->nmembers; i++) {
        struct member *m = &cc->members[i];
        if (m->p != p || m->n != n || m->back)
            continue;
        m->back = 1;
        if (cc->spans[m->span].sent)
            return add_reply(cc, FR_W_ALIAS, m->off_len, 2 * sizeof(uint64_t), (int)m->span);
        cc->spans[m->span].sent = 1;
        for (unsigned k = 0; k < cc->spans[m->span].nhandles; k++) {
            uint64_t v;
            memcpy(&v, cc->spans[m->span].handles[k], sizeof v);
            v = fr__handle_out(v);
            memcpy(cc->spans[m->span].handles[k], &v, sizeof v);
        }
        return add_reply(cc, FR_W_BUF, cc->spans[m->span].p, cc->spans[m->span].len,
                         (int)m->span + 1);
    }
    return add_reply(cc, FR_W_BUF, p, n, -1);
}

int fr_ret_string(struct fr_callee *cc, const char *s)
{
    if (!s)
        return add_reply(cc, FR_W_NULLPTR, NULL, 0, -1);
    return add_reply(cc, FR_W_STRING, s, strlen(s) + 1, -1);
}

/* At most @cap bytes: a string the function left unterminated goes as is,
 * without its NUL, and the caller refuses it (fr_get_strbuf). */
int fr_ret_strbuf(struct fr_callee *cc, const char *s, size_t cap)
{
    size_t n;

    if (!s)
        return add_reply(cc, FR_W_NULLPTR, NULL, 0, -1);
    n = strnlen(s, cap);
    return add_reply(cc, FR_W_STRING, s, n < cap ? n + 1 : cap, -1);
}

int fr_ret_owned(struct fr_callee *cc, void *p)
{
    void **o;

    if (!p)
        return 0;
    o = arena(cc) ? talloc_realloc(cc->arena, cc->owned, void *, cc->nowned + 1) : NULL;
    if (!o) {
        free(p);
        return cc->err = -ENOMEM;
    }
    cc->owned = o;
    cc->owned[cc->nowned++] = p;
    return 0;
}

int fr_ret_fd(struct fr_callee *cc, int fd)
{
    /* A descriptor lent for the call (FR_FD) and handed back is the
     * reply's now: closed once the reply is out, or taken by a local
     * caller, and no longer closed as a lent one too. */
    for (unsigned i = 0; i < cc->nfds; i++)
        if (cc->fds[i] == fd) {
            cc->fds[i] = cc->fds[--cc->nfds];
            break;
        }
    /* No descriptor (a -1, a closed number): a split call has nothing to
     * pass and fails with EBADF before any of the reply goes (README); a
     * local one hands the caller the value, as the plain call does. */
    if (!cc->local && fcntl(fd, F_GETFD) < 0)
        return cc->err = -EBADF;
    return add_reply(cc, FR_W_FD, NULL, 0, fd);
}

int fr__serve_refuse(struct fr_lt *lt, int r, int status)
{
    void *buf = NULL;
    size_t cap = 0;
    struct fr_msg m;
    int rc;

    m.kind = 0;
    rc = fr__chan_recv(lt, r, &buf, &cap, &m);
    if (rc == 0 || (rc == -ENOMEM && m.kind == FR_MSG_REQ))
        rc = m.kind == FR_MSG_REQ ? fr__chan_send(lt, r, FR_MSG_ERR, m.fn, status, NULL, 0)
                                  : -EPROTO;
    free(buf);
    return rc;
}

/* Send the reply's descriptors, tagged with the reply's seq. */
static int send_fds(struct fr_callee *cc, uint32_t seq)
{
    uint32_t idx = 0;

    for (unsigned i = 0; i < cc->nrf; i++) {
        if (cc->rf[i].kind != FR_W_FD)
            continue;
        int rc = fr__fd_send(&fr__rt.regions[cc->r], cc->lt->id, seq, idx++, cc->rf[i].fd);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/*
 * Answer the request of @cc (function @fn, asked by incarnation @asker of
 * the peer) with @status: its reply fields and descriptors (and, before
 * them, a leader replica's record @pre when it is set), or the
 * failure.  Returned descriptors are the caller's from here on: ours are
 * closed.  0 or a negative errno.
 */
static inline __attribute__((always_inline)) int reply(struct fr_callee *cc, uint32_t fn,
                                                       int status, uint32_t asker,
                                                       const struct fr__field *pre)
{
    struct fr_lt *lt = cc->lt;
    int r = cc->r, rc, fds = 0;

    for (unsigned i = 0; i < cc->nrf; i++)
        fds |= cc->rf[i].kind == FR_W_FD;
    if (lt->gen[r] != asker) {
        /* The asker died and was restarted while the function ran (a
         * nested call to it saw the new incarnation): the reply is for
         * nobody, and its successor must not get it. */
        rc = -EPIPE;
    } else if (status < 0) {
        rc = fr__chan_send(lt, r, FR_MSG_ERR, fn, status, NULL, 0);
    } else {
        rc = FR__UNLIKELY(fds) ? send_fds(cc, fr__chan_next_seq(lt, r)) : 0;
        /* a leader replica's reply: its record, then the reply */
        if (rc == 0)
            rc = FR__UNLIKELY(pre != NULL && pre->kind != 0)
                     ? fr__chan_send_pre(lt, r, FR_MSG_REP, fn, 0, pre, cc->rf, cc->nrf)
                     : fr__chan_send_rep(lt, r, fn, cc->rf, cc->nrf);
        if (rc == -EMSGSIZE)
            rc = fr__chan_send(lt, r, FR_MSG_ERR, fn, rc, NULL, 0);
        if (rc == 0)
            FR_FAULT_POINT(AFTER_REPLY);
    }
    /* A returned descriptor now belongs to the caller. */
    for (unsigned i = 0; FR__UNLIKELY(fds) && i < cc->nrf; i++)
        if (cc->rf[i].kind == FR_W_FD && cc->rf[i].fd >= 0)
            close(cc->rf[i].fd);
    return rc;
}

/* A fresh call context for logical thread @lt on region @r. */
static void callee_init(struct fr_callee *cc, struct fr_lt *lt, int r, uint32_t req_seq)
{
    cc->lt = lt;
    cc->r = r;
    cc->req_seq = req_seq;
    cc->rf = cc->inline_rf;
    cc->rcap = INLINE_REPLY;
    /* Field by field, which the compiler merges into a few vector stores:
     * a memset of the block is a `rep stos` here, whose start costs more
     * than the stores, on the callee's critical path.  The block has no
     * padding (struct fr_callee), so a field added to it fails the assert
     * until it is zeroed here too. */
    _Static_assert(offsetof(struct fr_callee, inline_rf) - offsetof(struct fr_callee, arena) ==
                       9 * sizeof(void *) + 10 * sizeof(int),
                   "callee_init zeroes every field from arena to inline_rf");
    cc->arena = NULL;
    cc->fds = NULL;
    cc->owned = NULL;
    cc->spans = NULL;
    cc->members = NULL;
    cc->srcs = NULL;
    cc->scratch_used = 0;
    cc->lf = cc->lend = NULL;
    cc->local = 0;
    cc->nrf = cc->nfd_in = cc->nfds = cc->nowned = 0;
    cc->err = cc->eno = 0;
    cc->nspans = cc->nmembers = cc->nsrcs = 0;
}

/* Run @dispatch on the request in cc->rd: its status, the reader's error,
 * or -EPROTO when it left fields unread. */
static int callee_dispatch(struct fr_callee *cc, fr_dispatch_fn dispatch)
{
    int status = dispatch(cc);

    if (status == 0 && cc->err)
        status = cc->err;
    if (status == 0 && (cc->local ? cc->lf != cc->lend : cc->rd.p != cc->rd.end))
        status = -EPROTO;     /* the dispatcher left fields unread */
    return status;
}

/* The one place a call's memory goes: received descriptors, memory the
 * function handed over (FR_RET_OWNED), the arena. */
static inline __attribute__((always_inline)) void callee_release(struct fr_callee *cc)
{
    for (unsigned i = 0; i < cc->nfds; i++)
        close(cc->fds[i]);
    for (unsigned i = 0; i < cc->nowned; i++)
        free(cc->owned[i]);
    if (cc->arena)
        talloc_free(cc->arena);
}

int fr__callee_decode(const unsigned char *req, size_t len, fr_dispatch_fn dispatch)
{
    struct fr_callee cc;
    int status;

    callee_init(&cc, NULL, -1, 0);
    cc.rd.p = req;
    cc.rd.end = req + len;
    status = callee_dispatch(&cc, dispatch);
    callee_release(&cc);
    return status;
}

struct fr_callee *fr__callee_local_new(void)
{
    return calloc(1, sizeof(struct fr_callee));
}

void fr__callee_local_free(struct fr_callee *cc)
{
    free(cc);
}

int fr__serve_local(struct fr_callee *cc, unsigned fn, const struct fr__field *req, unsigned n,
                    int *eno, const struct fr__field **rf, unsigned *nrf, unsigned *nfds)
{
    int status;

    callee_init(cc, NULL, -1, 0);
    cc->eno = *eno;
    cc->local = 1;
    cc->lf = req;
    cc->lend = req + n;
    status = callee_dispatch(cc, fr__rt.app->functions[fn].dispatch);
    *eno = cc->eno;
    *nfds = 0;
    for (unsigned i = 0; i < cc->nrf; i++)
        *nfds += cc->rf[i].kind == FR_W_FD;
    if (status < 0) {
        fr__serve_local_end(cc, 0);
        return status;
    }
    *rf = cc->rf;
    *nrf = cc->nrf;
    return 0;
}

void fr__serve_local_end(struct fr_callee *cc, unsigned taken)
{
    /* a returned descriptor the caller took is its own; the others close */
    for (unsigned i = taken; i < cc->nrf; i++)
        if (cc->rf[i].kind == FR_W_FD && cc->rf[i].fd >= 0)
            close(cc->rf[i].fd);
    callee_release(cc);
    /* released: a second end (an error path's, then the caller's) frees nothing again */
    cc->arena = NULL;
    cc->nrf = cc->nfds = cc->nowned = 0;
}

/* callee_dispatch of request @m in a traced or profiled FMP: its CPU is
 * the function's module's (trace.h), its span the callee's (profile.h).
 * Out of line: the untraced serve keeps its registers. */
static __attribute__((noinline)) int dispatch_traced(struct fr_callee *cc, const struct fr_msg *m,
                                                     int depth)
{
    const struct fr_function *f = &fr__rt.app->functions[m->fn];
    int64_t p0 = FR__UNLIKELY(fr__prof_on) ? fr__prof_now() : 0;
    int status, was;

    fr__trace_serving();
    was = fr__trace_switch((int)f->module);
    status = callee_dispatch(cc, f->dispatch);
    fr__trace_switch(was);
    if (FR__UNLIKELY(fr__prof_on)) {
        struct fr_prof_key k = fr__prof_serve_key(m->parent, m->nth);
        fr__prof_span(FR_PROF_SERVE, 0, (unsigned)depth, m->fn, fr__rt.regions[cc->r].peer,
                      cc->lt->id, status, -1, p0, &k);
    }
    return status;
}

/* Frame @depth of @lt serves a request of incarnation @asker of region
 * r's peer, made at (@parent, @nth) of top-level call @top: who asked,
 * where in the call tree, for the calls the function makes (exchange.c)
 * and for an asker's death (fr__lt_orphaned). */
static inline void frame_enter(struct fr_lt *lt, int depth, int r, uint32_t asker,
                               uint64_t parent, uint32_t nth, uint32_t top)
{
    lt->top = top;            /* the call tree it is part of, for our own calls */
    if (depth < FR_FRAMES) {
        lt->askers[depth] = (struct fr_asker){ r, asker };
        lt->place[depth] = (struct fr_frame_place){ parent, nth };
        lt->nout[depth] = 0;
        lt->cancelled[depth] = 0;
    }
}

/*
 * The common request, served the short way, as fr__serve_logged serves
 * it: a top-level call (depth 0) in a thread that holds no metadata, to a
 * function of this FMP that is not FR_INIT, from an asker that does not
 * restart (nothing to log for its replay), in a process with no hook, no
 * trace, no replica numbering and no recycling; one chunk in the window,
 * no metadata, not a replica's (fr__chan_peek_req), and memory for its
 * payload.  All of it is decided before anything is taken, on one copy of
 * the header; anything else is left on the slot for the full path (1),
 * which answers what this one cannot (ENOSYS, ENOMEM).  Otherwise fr__serve_logged's
 * return.  The reply goes out before the call's memory is released.
 */
static inline __attribute__((always_inline)) int serve_quick(struct fr_lt *lt, int r)
{
    const struct fr_app *app = fr__rt.app;
    struct fr_frame *fb = &lt->frames[0];
    const struct fr_function *f;
    struct fr_callee cc;
    struct fr_msg_hdr h;
    int status, rc, mquiet;

    if (!fr__chan_peek_req(lt, r, &h) || h.fn >= app->nfunctions)
        return 1;
    f = &app->functions[h.fn];
    if (!f->dispatch || fr__remote[f->module] == 1 || (f->flags & FR_FN_INIT) ||
        fr__chan_take_req(lt, r, &h, &fb->buf, &fb->cap) < 0)
        return 1;
    uint32_t asker = lt->gen[r];

    mquiet = fr__meta_quiet;
    fr__meta_quiet = 0;
    callee_init(&cc, lt, r, h.seq);
    cc.eno = h.eno;
    cc.rd.p = cc.rd.end = fb->buf;   /* NULL before the thread's first payload */
    if (h.total)
        cc.rd.end += h.total;
    lt->depth = 1;
    frame_enter(lt, 0, r, asker, h.parent, h.nth, h.top);
    FR_FAULT_POINT(SERVE_BEGIN);
    int was_mod = fr__cur_module;
    fr__cur_module = (int)f->module;
    status = callee_dispatch(&cc, f->dispatch);
    fr__cur_module = was_mod;
    FR_FAULT_POINT(SERVE_END);
    fr__stdio_boundary();     /* what the function printed goes before the reply */
    lt->eno = cc.eno;         /* the reply carries the function's errno */
    rc = reply(&cc, h.fn, status, asker, NULL);
    fr__chan_served(lt, r);   /* after the reply: `fracture ps` reads it, the caller does not */
    FR_ASSERT(lt->depth == 1);   /* nested serves gave their frame back */
    lt->depth = 0;
    callee_release(&cc);
    if (FR__UNLIKELY(fr__meta_any()))
        fr__meta_restore(NULL);   /* what the function set went with its reply */
    fr__meta_quiet = mquiet;
    return rc;
}

int fr__serve(struct fr_lt *lt, int r)
{
    int rc;

    FR_ASSERTF(r >= 0 && r < fr__rt.nregions, "a request on region %d of %d", r,
               fr__rt.nregions);
    if (FR_LIKELY(lt->depth == 0) && fr__rt.recycle_after == 0 &&
        !fr__rt.regions[r].peer_restarts && !fr__handle_numbering && !fr__trace_on &&
        !atomic_load_explicit(&fr__hooks_on, memory_order_relaxed) && !fr__meta_any() &&
        (rc = serve_quick(lt, r)) != 1)
        return rc;
    return fr__serve_logged(lt, r, NULL);
}

int fr__serve_logged(struct fr_lt *lt, int r, struct fr_nlog *log)
{
    const struct fr_app *app = fr__rt.app;
    struct fr_callee cc;
    struct fr_msg m;
    int rc, status = 0, depth = lt->depth;
    void *heap_buf = NULL;
    size_t heap_cap = 0;
    void **buf = depth < FR_FRAMES ? &lt->frames[depth].buf : &heap_buf;
    size_t *cap = depth < FR_FRAMES ? &lt->frames[depth].cap : &heap_cap;

    FR_ASSERTF(r >= 0 && r < fr__rt.nregions, "a request on region %d of %d", r,
               fr__rt.nregions);
    /* A sampled instance that served its calls takes no new one: it ends,
     * and the call replays on its successor (sample.c). */
    if (FR__UNLIKELY(fr__rt.recycle_after != 0) && depth == 0 && fr__sample_retiring())
        fr__sample_park();

    /* A request's metadata is the callee's set (meta.h): what the thread
     * held (a caller waiting here for its reply, serving a callback) is
     * back once the reply is sent, for its own reply's merge. */
    struct fr__meta_set *msv = NULL;
    int mhad = fr__meta_any(), mquiet = fr__meta_quiet;
    if (FR__UNLIKELY(mhad) && (msv = malloc(sizeof *msv)) != NULL)
        fr__meta_save(msv);
    fr__meta_quiet = 0;
    callee_init(&cc, lt, r, fr__chan_next_seq(lt, r));
    /* The request stays in this depth's buffer while the function runs,
     * however deep the calls it makes go. */
    lt->depth++;
    m.kind = 0;
    rc = fr__chan_recv(lt, r, buf, cap, &m);
    if (rc == -ENOMEM && m.kind == FR_MSG_REQ) {
        /* Taken off the slot but not kept (no memory for it, under a
         * memory limit): the caller's call fails with ENOMEM rather than
         * waiting for ever, and this FMP goes on. */
        fr__log("no memory to take a request of %llu bytes; the call fails",
                (unsigned long long)m.len);
        rc = fr__chan_send(lt, r, FR_MSG_ERR, m.fn, -ENOMEM, NULL, 0);
        goto out_free;
    }
    if (rc < 0)
        goto out_free;
    if (m.kind != FR_MSG_REQ) {
        rc = -EPROTO;
        goto out_free;
    }
    cc.eno = m.eno;           /* the caller's errno, the function's to start with */
    struct fr__field pre = { .kind = 0 };  /* a leader replica's record, sent first */
    uint32_t asker = lt->gen[r];   /* the incarnation that asked */
    frame_enter(lt, depth, r, asker, m.parent, m.nth, m.top);
    /* A restartable caller's frame: what it makes us do is logged here,
     * where it survives the caller's crash (a callback into the caller
     * itself is logged by the caller's own call, `log`). */
    int qlogged = 0;
    if (FR__UNLIKELY(fr__rt.regions[r].peer_restarts) && !log && m.status == 0) {
        log = fr__qrec_for(lt, r, &m, asker);
        qlogged = log != NULL;
    }
    if (FR__UNLIKELY(log != NULL) && log->pos < log->n) {
        /* a replay repeating a nested call it made before the crash */
        rc = fr__nlog_feed(lt, r, log, &m);
        if (rc == -EXDEV && qlogged) {
            char why[300];
            snprintf(why, sizeof why, "replayed a call after its crash, but %s (exactly once: "
                     "the replayed call fails alone)", log->what);
            fr__fault(fr__rt.regions[r].peer, asker, why);
        }
        goto out_free;
    }
    /* a replica numbers the objects it hands out from the call's place */
    struct fr_handle_frame hf;
    if (FR__UNLIKELY(fr__handle_numbering))
        fr__handle_serving(&hf, fr__frame_id(m.parent, m.nth));
    /* fr__remote says where each module runs, as the plan put it (in a
     * group, where its primary runs): 1 is another FMP */
    if (m.fn >= app->nfunctions || !app->functions[m.fn].dispatch ||
        fr__remote[app->functions[m.fn].module] == 1) {
        status = -ENOSYS;     /* not here: the caller's plan disagrees */
    } else {
        cc.rd.p = m.data;
        cc.rd.end = m.data + m.len;
        if (FR__UNLIKELY(m.status != 0))
            status = fr__replica_begin(lt, m.status, &cc.rd, r, m.fn);
        /* a restarted FMP, while the root replays its FR_INIT calls */
        FR_FAULT_POINT_IF(INIT_REPLAY, m.top == FR_TOP_INIT && depth == 0 &&
                                           (app->functions[m.fn].flags & FR_FN_INIT));
        FR_FAULT_POINT(SERVE_BEGIN);
        /* this thread runs the function's module now: the caller of the
         * calls it makes (what hooks see) */
        int was_mod = fr__cur_module;
        fr__cur_module = (int)app->functions[m.fn].module;
        int hooked = FR__UNLIKELY(atomic_load_explicit(&fr__hooks_on, memory_order_relaxed)) &&
                     status == 0 && fr__hook_wants(m.fn);
        if (FR__UNLIKELY(hooked) &&
            (status = fr__hook_run_wire(FR_HOOK_SHADOW_BEFORE, m.fn, (int)m.caller, cc.rd.p,
                                        (uint64_t)(cc.rd.end - cc.rd.p), 0)) < 0)
            status = fr__hook_status_encode(status);
        else if (status == 0 && FR__UNLIKELY(fr__trace_on)) {
            status = dispatch_traced(&cc, &m, depth);
        } else if (status == 0) {
            status = callee_dispatch(&cc, app->functions[m.fn].dispatch);
        }
        if (FR__UNLIKELY(hooked) && status >= 0) {
            int hrc = fr__hook_run_wire(FR_HOOK_SHADOW_AFTER, m.fn, (int)m.caller, m.data,
                                        m.len, status);
            if (hrc < 0)
                status = fr__hook_status_encode(hrc);
        }
        fr__cur_module = was_mod;
        FR_FAULT_POINT(SERVE_END);
        /* the objects an FR_INIT call returns outlive this incarnation */
        if (FR__UNLIKELY(app->functions[m.fn].flags & FR_FN_INIT))
            fr__handle_init_reply(status == 0 ? cc.rf : NULL, status == 0 ? cc.nrf : 0);
        if (FR__UNLIKELY(m.status != 0)) {
            status = fr__replica_end(lt, status, &pre);
            /* the record goes with the reply, and is freed after it */
            if (pre.kind && fr_ret_owned(&cc, (void *)pre.ptr) < 0) {
                pre.kind = 0;
                status = -ENOMEM;
            }
        }
    }
    if (FR__UNLIKELY(fr__handle_numbering))
        fr__handle_served(&hf);
    fr__stdio_boundary();     /* what the function printed goes before the reply */
    /* A frame cut short (its asker died) has no result to feed a replay:
     * the replay runs it again. */
    if (FR__UNLIKELY(log != NULL) && !(depth < FR_FRAMES && lt->cancelled[depth]))
        fr__nlog_note(log, r, &m, status, cc.eno, cc.rf, cc.nrf);
    lt->eno = cc.eno;         /* the reply carries the function's errno */
    rc = reply(&cc, m.fn, status, asker, &pre);
    fr__chan_served(lt, r);   /* after the reply: `fracture ps` reads it, the caller does not */
out_free:
    FR_ASSERT(lt->depth == depth + 1);   /* nested serves gave their frame back */
    lt->depth--;
    if (FR__UNLIKELY(fr__rt.recycle_after != 0) && depth == 0)
        fr__sample_served();
    callee_release(&cc);
    if (FR__UNLIKELY(heap_buf != NULL))
        free(heap_buf);
    if (FR__UNLIKELY(mhad || fr__meta_any())) {
        fr__meta_restore(msv);    /* NULL: the thread held none (or no memory to keep it) */
        free(msv);
    }
    fr__meta_quiet = mquiet;
    return rc;
}
