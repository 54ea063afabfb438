/*
 * request.c - the request of a cross-FMP call as the stub builds it
 * (fr_call_begin, fr_put_*, fracture/abi.h): never built in private
 * memory; each fr_put_* only records where its argument is and how it
 * travels, and the channel streams the fields straight into the slot
 * (channel.c).  The exchange (exchange.c) sends it, the reply half is
 * call.c's.
 */
#include "request.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "handle.h"
#include "state.h"
#include "wire.h"

void fr_call_begin(struct fr_call *c, unsigned fn)
{
    /* first, before anything of ours can touch it */
    c->eno = c->eno_back = errno;
    c->fn = fn;
    c->err = 0;
    c->nfields = 0;
    c->cap = FR_CALL_INLINE_FIELDS;
    c->fields = c->inline_fields;
    c->rp = c->rend = NULL;
    c->lt = NULL;
    c->peer = -1;
    c->nfds_in = c->nfds_out = 0;
    c->nhandles = 0;
    c->why = NULL;
    c->alias = NULL;
    c->hook_failed = 0;
    c->alike = NULL;
}

/*
 * A replica's records, alike in every replica (fr_put_tidy, abi.h).  The
 * request itself keeps pointing at the program's memory -- the channel
 * streams it from there, and overlapping buffers are found by their
 * addresses (call.c) --: the tidy copies stand in for those fields only
 * where the group compares requests (fr__request_encode_alike).
 */
struct alike_copy {
    unsigned field;
    const unsigned char *src;
    unsigned char *copy;      /* malloc */
};

struct alike {
    unsigned n;
    struct alike_copy e[];
};

void fr_put_tidy(struct fr_call *c, fr_tidy_fn fn, size_t size)
{
    struct fr__field *f = c->nfields ? &c->fields[c->nfields - 1] : NULL;
    struct alike *a;
    unsigned char *copy;

    if (!FR__UNLIKELY(fr__handle_numbering) || c->err || !f || !f->ptr || !size || !f->len ||
        f->len % size != 0 ||
        (f->kind != FR_W_SCALAR && f->kind != FR_W_IN && f->kind != FR_W_INOUT))
        return;
    copy = calloc(1, f->len);
    a = copy ? realloc(c->alike, sizeof *a + ((c->alike ? ((struct alike *)c->alike)->n : 0) + 1) *
                                                 sizeof a->e[0])
             : NULL;
    if (!a) {
        free(copy);
        c->err = -ENOMEM;
        return;
    }
    if (!c->alike)
        a->n = 0;
    c->alike = a;
    fn(copy, f->ptr, f->len / size);
    a->e[a->n++] = (struct alike_copy){ c->nfields - 1, f->ptr, copy };
}

/* Write handle value @v over the tidy copy of the field that holds the
 * handle at @p, if one does. */
static void alike_handle(struct fr_call *c, const void *p, uint64_t v)
{
    struct alike *a = c->alike;
    const unsigned char *at = p;

    for (unsigned i = a->n; i-- > 0;) {
        const struct alike_copy *e = &a->e[i];
        if (fr__span_holds(e->src, c->fields[e->field].len, at, sizeof v)) {
            memcpy(e->copy + (at - e->src), &v, sizeof v);
            return;
        }
    }
}

unsigned char *fr__request_encode_alike(struct fr_call *c, uint64_t *len)
{
    struct alike *a = c->alike;
    unsigned char *b;

    for (unsigned i = 0; a && i < a->n; i++)
        c->fields[a->e[i].field].ptr = a->e[i].copy;
    b = fr__wire_encode(c->fields, c->nfields, len);
    for (unsigned i = 0; a && i < a->n; i++)
        c->fields[a->e[i].field].ptr = a->e[i].src;
    return b;
}

void fr__request_free(struct fr_call *c)
{
    struct alike *a = c->alike;

    if (FR__UNLIKELY(a != NULL)) {
        for (unsigned i = 0; i < a->n; i++)
            free(a->e[i].copy);
        free(a);
        c->alike = NULL;
    }
    if (c->fields != c->inline_fields)
        free(c->fields);
    c->fields = c->inline_fields;
    c->cap = FR_CALL_INLINE_FIELDS;
}

void fr_call_refuse(struct fr_call *c, const char *why)
{
    if (c->err)
        return;
    c->err = -EINVAL;
    c->why = why;
}

void fr__call_add(struct fr_call *c, uint32_t kind, const void *p, uint64_t len, int fd)
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
    fr__call_add(c, FR_W_SCALAR, p, n, -1);
}

void fr_put_in(struct fr_call *c, const void *p, size_t n)
{
    fr__call_add(c, p ? FR_W_IN : FR_W_NULLPTR, p, p ? n : 0, -1);
}

void fr_put_out(struct fr_call *c, const void *p, size_t n)
{
    /* p is not sent (OUT carries only its length): it is kept to find
     * buffers that overlap (alias_plan). */
    fr__call_add(c, p ? FR_W_OUT : FR_W_NULLPTR, p, p ? n : 0, -1);
}

void fr_put_inout(struct fr_call *c, const void *p, size_t n)
{
    fr__call_add(c, p ? FR_W_INOUT : FR_W_NULLPTR, p, p ? n : 0, -1);
}

void fr_put_string(struct fr_call *c, const char *s)
{
    fr__call_add(c, s ? FR_W_STRING : FR_W_NULLPTR, s, s ? strlen(s) + 1 : 0, -1);
}

void fr_put_strings(struct fr_call *c, const char *const *v, size_t n)
{
    if (!v) {
        fr__call_add(c, FR_W_NULLPTR, NULL, 0, -1);
        return;
    }
    /* The count goes first, so that the callee can size the array before
     * it knows the parameter that counts it. */
    fr__call_add(c, FR_W_STRV, NULL, n, -1);
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

void fr_put_handle(struct fr_call *c, const void *p, size_t n)
{
    uint64_t v;

    /* a value a tag fits (handle.h); any other size is a plain one */
    if (n != sizeof(uint64_t)) {
        fr__call_add(c, FR_W_SCALAR, p, n, -1);
        return;
    }
    /* the value, tagged as it leaves, travels in the field itself (wire.h) */
    memcpy(&v, p, sizeof v);
    v = fr__handle_out(v);
    if (FR__UNLIKELY(c->alike != NULL))
        alike_handle(c, p, v);
    fr__call_add(c, FR_W_HANDLE, NULL, v, -1);
    c->nhandles++;
}

void fr_put_handles(struct fr_call *c, const void *v, size_t n, size_t size, int in)
{
    if (!v) {
        fr__call_add(c, FR_W_NULLPTR, NULL, 0, -1);
        return;
    }
    /* the count first, so that the callee can size the array before it
     * knows the parameter that counts it (as fr_put_strings) */
    fr__call_add(c, FR_W_HANDLES, NULL, n, in != 0);
    for (size_t i = 0; in && i < n; i++)
        fr_put_handle(c, (const char *)v + i * size, size);
}

void fr_put_fd(struct fr_call *c, int fd)
{
    fr__call_add(c, FR_W_FD, NULL, 0, fd);
    c->nfds_in++;
}

void fr_put_callback(struct fr_call *c, fr_fnptr fn)
{
    const struct fr_app *app = fr__rt.app;

    if (!fn) {
        fr__call_add(c, FR_W_NULLPTR, NULL, 0, -1);
        return;
    }
    for (unsigned i = 0; i < app->nfunctions; i++) {
        const struct fr_function *f = &app->functions[i];
        if ((f->flags & FR_FN_CALLBACK) && (f->stub == fn || f->impl == fn)) {
            fr__call_add(c, FR_W_CALLBACK, NULL, 0, (int)i);
            return;
        }
    }
    fr_call_refuse(c, "a function pointer argument is not a callback of the module table; "
                      "annotate the function it points to (FR_CALLBACK)");
}

