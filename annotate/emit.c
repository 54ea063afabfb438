/*
 * emit.c - the code appended to a file that defines functions with stubs:
 * per function a caller stub (local fast path, marshal, invoke, unmarshal,
 * failure policy), a dispatcher (unmarshal into the call's arena, call the
 * implementation, marshal the reply), its table entry; per record that is
 * copied deep, the helpers that walk its pointer fields; and per record a
 * replica sends, the mask and helper that make its bytes alike.
 *
 * The wire order is the stub ABI's (abi.h): request fields in parameter
 * order, each deep record followed at once by the fields its pointers
 * reach; reply: the return value, then OUT/INOUT buffers in parameter
 * order, each followed by what its records' FR_COUNT fields reach.  Both
 * halves are generated here from one walk, so they cannot disagree.
 *
 * Types are written as __typeof__(spelling) so that any declarator
 * (function pointers, arrays) reads as "type name".  Parameters keep their
 * names, so that size expressions (FR_IN(len * 2)) mean in the stub and in
 * the dispatcher what they mean in the source.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <talloc.h>

#include "abi.h"
#include "annot.h"
#include "gen.h"

struct out {
    char *s;
    int err;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;

    if (o->err)
        return;
    va_start(ap, fmt);
    o->s = talloc_vasprintf_append_buffer(o->s, fmt, ap);
    va_end(ap);
    if (!o->s)
        o->err = -ENOMEM;
}

/* ---- records copied deep ------------------------------------------------ */

enum fkind { F_NONE, F_COUNT, F_STRING, F_CALLBACK, F_HANDLE, F_SUB };

static bool record_deep(struct fra_model *m, const char *key, int depth);

/* A handle field of record @r (FR_OPAQUE, or a pointer to a FRACTURE_OPAQUE
 * record; an array of them too): its value goes through the runtime's
 * handle calls, which tag and check it (rt/lib/handle.h), as a handle
 * parameter's does.  Not in a union (named or anonymous): its bytes may
 * hold another member. */
static bool handle_field(struct fra_model *m, const struct fra_field *f)
{
    return !f->shared && f->type.kind == FRA_T_PTR &&
           (fra_anns_find(&f->ann, "opaque") ||
            (!f->array && f->type.pointee == FRA_P_RECORD &&
             fra_model_opaque(m, f->type.record)));
}

static enum fkind field_kind(struct fra_model *m, const struct fra_field *f, int depth)
{
    if (f->type.kind == FRA_T_RECORD)
        return record_deep(m, f->type.record, depth + 1) ? F_SUB : F_NONE;
    if (handle_field(m, f))
        return F_HANDLE;
    if (f->type.kind != FRA_T_PTR || f->array)
        return F_NONE;
    if (fra_anns_find(&f->ann, "count"))
        return F_COUNT;
    if (fra_anns_find(&f->ann, "string"))
        return F_STRING;
    if (fra_anns_find(&f->ann, "callback"))
        return F_CALLBACK;
    return F_NONE;
}

static bool record_deep(struct fra_model *m, const char *key, int depth)
{
    struct fra_record *r = key ? fra_model_record(m, key) : NULL;

    if (!r || depth > 8)
        return false;
    for (size_t i = 0; i < r->nfields; i++)
        if (field_kind(m, &r->fields[i], depth) != F_NONE)
            return true;
    return false;
}

/* Whether FR_COUNT field @f's elements come back: not where they are
 * const (the callee may not write them, and the caller's may be read-only
 * memory). */
static bool count_replies(const struct fra_field *f)
{
    return !f->type.pointee_const;
}

/* Whether a record's reply carries anything beyond its own bytes: arrays
 * behind FR_COUNT fields and handles, at any depth (strings, callbacks and
 * const arrays go in only). */
static bool record_replies(struct fra_model *m, const char *key, int depth)
{
    struct fra_record *r = key ? fra_model_record(m, key) : NULL;

    if (!r || depth > 8)
        return false;
    for (size_t i = 0; i < r->nfields; i++) {
        enum fkind k = field_kind(m, &r->fields[i], 0);
        if ((k == F_COUNT && count_replies(&r->fields[i])) || k == F_HANDLE ||
            (k == F_SUB && record_replies(m, r->fields[i].type.record, depth + 1)))
            return true;
    }
    return false;
}

/* Whether the only fields of a record that are copied deep are handles,
 * at any depth: such a record can come back whole, as a value or in a
 * buffer the callee fills (FR_OUT, FR_RET), its handles after it; a
 * pointer it holds into the callee's memory could not. */
static bool record_only_handles(struct fra_model *m, const char *key, int depth)
{
    struct fra_record *r = key ? fra_model_record(m, key) : NULL;

    if (!r || depth > 8)
        return false;
    for (size_t i = 0; i < r->nfields; i++) {
        enum fkind k = field_kind(m, &r->fields[i], 0);
        if (k == F_COUNT || k == F_STRING || k == F_CALLBACK ||
            (k == F_SUB && !record_only_handles(m, r->fields[i].type.record, depth + 1)))
            return false;
    }
    return true;
}

/* A record copied deep that comes back as a whole value (the return value,
 * FR_RET, FR_OUT): its handles are the reply's only deep part. */
static bool record_returns(struct fra_model *m, const char *key)
{
    return key && record_deep(m, key, 0) && record_only_handles(m, key, 0);
}

static int record_index(struct fra_model *m, const char *key)
{
    for (size_t i = 0; i < m->nrecords; i++)
        if (strcmp(m->records[i]->key, key) == 0)
            return (int)i;
    return -1;
}

static bool unnamed(const struct fra_record *r)
{
    return !r->name || strstr(r->name, "(unnamed") || strstr(r->name, "(anonymous");
}

/* The FR_COUNT field of a named record that points to record @key, unnamed
 * (struct bag { FR_COUNT(n) struct { ... } *items; }), and that record:
 * the only place where such a record is copied, and tidied, as a whole,
 * and what generated code names it by.  NULL if none. */
static const struct fra_field *unnamed_holder(struct fra_model *m, const char *key,
                                              const struct fra_record **in)
{
    for (size_t k = 0; k < m->nrecords; k++) {
        const struct fra_record *q = m->records[k];
        for (size_t i = 0; !unnamed(q) && i < q->nfields; i++)
            if (field_kind(m, &q->fields[i], 0) == F_COUNT &&
                q->fields[i].type.pointee == FRA_P_RECORD && q->fields[i].type.record &&
                strcmp(q->fields[i].type.record, key) == 0) {
                *in = q;
                return &q->fields[i];
            }
    }
    return NULL;
}

/* The part of a record helper's name that names the record ("struct
 * batch" -> struct_batch; an unnamed one by the field that holds it:
 * struct_bag__items): helpers are named for what they serve, so that
 * adding a record renames nothing else. */
static char *rec_id(void *ctx, struct fra_model *m, const char *key)
{
    struct fra_record *r = fra_model_record(m, key);
    const struct fra_record *in = NULL;
    const struct fra_field *f = r && unnamed(r) ? unnamed_holder(m, key, &in) : NULL;
    char *s = f ? talloc_asprintf(ctx, "%s__%s", in->name, f->name)
                : talloc_strdup(ctx, r && r->name ? r->name : key);

    for (char *p = s; p && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            *p = '_';
    return s;
}

/* How a helper of record @key names its type: its name, or what the field
 * that holds an unnamed one points to; NULL if neither. */
static char *rec_type(void *ctx, struct fra_model *m, const char *key)
{
    struct fra_record *r = key ? fra_model_record(m, key) : NULL;
    const struct fra_record *in = NULL;
    const struct fra_field *f;

    if (!r)
        return NULL;
    if (!unnamed(r))
        return talloc_strdup(ctx, r->name);
    f = unnamed_holder(m, key, &in);
    return f ? talloc_asprintf(ctx, "__typeof__(*((%s *)0)->%s)", in->name, f->name) : NULL;
}

/* The element size of what pointer type @t points to. */
static char *elem_size(void *ctx, const struct fra_type *t, const char *ptr)
{
    if (t->pointee == FRA_P_VOID)
        return talloc_strdup(ctx, "1");
    return talloc_asprintf(ctx, "sizeof *(%s)", ptr);
}

/* A C string literal of @s (what a refused call says). */
static char *c_str(void *ctx, const char *s)
{
    char *q = talloc_strdup(ctx, "\"");

    for (; q && *s; s++)
        q = *s == '"' || *s == '\\' ? talloc_asprintf_append_buffer(q, "\\%c", *s)
                                    : talloc_asprintf_append_buffer(q, "%c", *s);
    return q ? talloc_asprintf_append_buffer(q, "\"") : NULL;
}

/* The count expression of field @f over its siblings, read from "__fr_e->". */
static char *count_expr(void *ctx, const struct fra_record *r, const struct fra_field *f)
{
    const char **names = talloc_array(ctx, const char *, r->nfields + 1);

    if (!names)
        return NULL;
    for (size_t i = 0; i < r->nfields; i++)
        names[i] = r->fields[i].name;
    return fra_expr_subst(ctx, fra_anns_find(&f->ann, "count"), names, r->nfields,
                          "__fr_e->");
}

/* A call of helper __fr_WHAT_SUB on field @f, a record or an array of them. */
static void sub_call(struct out *o, const struct fra_field *f, const char *what, const char *sub,
                     const char *ctx)
{
    put(o, "__fr_%s_%s(%s, ", what, sub, ctx);
    if (f->array)
        put(o, "__fr_e->%s, sizeof __fr_e->%s / sizeof __fr_e->%s[0])", f->name, f->name,
            f->name);
    else
        put(o, "&__fr_e->%s, 1)", f->name);
}

/* The head of a record helper __fr_WHAT_REC that walks the __fr_n records at
 * __fr_p, __fr_e the current one; @ctx is its call or callee parameter,
 * @cq "const " where it only reads the records. */
static void loop_head(struct out *o, const char *ret, const char *what, const char *id,
                      const char *ctx, const char *cq, const char *rec)
{
    put(o, "\nstatic %s __fr_%s_%s(%s, %s%s *__fr_p, size_t __fr_n)\n"
           "{\n    for (size_t __fr_i = 0; __fr_i < __fr_n; __fr_i++) {\n"
           "        %s%s *__fr_e = &__fr_p[__fr_i];\n",
        ret, what, id, ctx, cq, rec, cq, rec);
}

/* What every helper needs of field @f: its copy kind, "__fr_e->NAME", the
 * name part of its record type's helpers, whether its FR_COUNT array holds
 * records copied deep, and the refusal text of an overflowing count. */
struct fctx {
    enum fkind fk;
    const char *ptr;
    const char *sub;
    bool deep;
    const char *why;
};

static struct fctx field_ctx(void *tmp, struct fra_model *m, const struct fra_record *r,
                             const struct fra_field *f)
{
    struct fctx x = { field_kind(m, f, 0), talloc_asprintf(tmp, "__fr_e->%s", f->name),
                      f->type.record ? rec_id(tmp, m, f->type.record) : NULL, false, NULL };

    x.deep = x.fk == F_COUNT && f->type.pointee == FRA_P_RECORD &&
             record_deep(m, f->type.record, 0);
    if (x.fk == F_COUNT)
        x.why = c_str(tmp, talloc_asprintf(tmp, "the size of field '%s' of %s (FR_COUNT(%s)) "
                                                "overflows size_t",
                                           f->name, r->name, fra_anns_find(&f->ann, "count")));
    return x;
}

/* Helpers a record needs in a file: the request side (putd, argd), the
 * reply side (retd, getd: for FR_INOUT), get (an FR_INOUT array of them),
 * the reply side of a record returned whole (retd, getd), and keep (the
 * caller's pointers that must survive the callee's bytes: where a record
 * holds more than handles, or sits inside one that does). */
enum { H_REQ = 1, H_REP = 2, H_GET = 4, H_RET = 8, H_KEEP = 16 };

/* @dst = @src; for a field that is const itself (int *const v), whose
 * bytes only a copy can set: the record is the runtime's (the callee's
 * arena) or bytes that came back over the caller's own. */
static void assign(struct out *o, const char *ind, const struct fra_field *f, const char *dst,
                   const char *src)
{
    if (!f->type.top_const)
        put(o, "%s%s = %s;\n", ind, dst, src);
    else
        put(o, "%s{\n%s    __typeof__(%s) __fr_v = %s;\n%s    memcpy((void *)&%s, &__fr_v, "
               "sizeof __fr_v);\n%s}\n",
            ind, ind, dst, src, ind, dst, ind);
}

/* The runtime call @head(..., &E, sizeof E) on handle field @f of the
 * record at __fr_e (an array: on each element), its status returned when
 * @checked. */
static void handle_call(struct out *o, void *tmp, const struct fra_field *f, const char *head,
                        bool checked)
{
    /* An array of any rank is its elements in a row: each a pointer
     * (handle_field), walked flat so that no dimension is left out. */
    const char *el = f->array
                         ? talloc_asprintf(tmp, "(char *)__fr_e->%s + __fr_j * sizeof(void *)",
                                           f->name)
                         : talloc_asprintf(tmp, "&__fr_e->%s", f->name);
    const char *size = f->array ? "sizeof(void *)" : talloc_asprintf(tmp, "sizeof __fr_e->%s",
                                                                      f->name);
    const char *ind = f->array ? "            " : "        ";

    if (f->array)
        put(o, "        for (size_t __fr_j = 0; __fr_j < sizeof __fr_e->%s / sizeof(void *); "
               "__fr_j++)\n",
            f->name);
    if (checked)
        put(o, "%sif ((__fr_rc = %s%s, %s)) != 0)\n%s    return __fr_rc;\n", ind, head, el,
            size, ind);
    else
        put(o, "%s%s%s, %s);\n", ind, head, el, size);
}

/*
 * Replicas are compared byte for byte (fr_put_tidy, fracture/abi.h), and a
 * struct's bytes are more than what the program wrote: its padding, the
 * bits of a bit-field's unit no field uses, a union's tail beyond its
 * members, and the fields whose bytes are this process's addresses
 * (pointers copied deep, callbacks; handles, whose numbers the runtime
 * writes over them).  Which bits mean the same in every replica is known
 * here, from the layout libclang read (collect.c): __fr_mask_REC has them
 * set, and __fr_tidy_REC copies records ANDed with it.  A mask names no
 * field -- a system struct's names may be macros (sa_handler), an unnamed
 * struct has none -- and assigns none (a const bit-field cannot be), so
 * every record has one, what it holds inside its own.  Each helper asserts
 * that the compiler gives the record the size libclang did: built with
 * other flags (-m32, -fshort-enums, packing) the program fails to build
 * instead of comparing the wrong bytes.  A record whose mask is all ones
 * has no helper (fn NULL: the bytes as they are; no handle can be in it,
 * as handles' bytes are 0 in a mask).  Only programs with a replicable
 * module tidy: the stubs of every function (a replica's outward calls),
 * the dispatchers of a replicable module's functions (its replies).
 */

/* Set bits [@from, @from + @n) of @mask, @size bytes: bit i of the record
 * is bit i % 8 of its byte i / 8, as bit-fields are laid out on a
 * little-endian target (emit_tidy asserts one). */
static void mask_bits(unsigned char *mask, size_t size, unsigned long long from,
                      unsigned long long n)
{
    unsigned long long to = from + n;

    if (to > (unsigned long long)size * 8)
        to = (unsigned long long)size * 8;
    for (; from < to && from % 8; from++)
        mask[from / 8] |= (unsigned char)(1u << (from % 8));
    if (from < to && to - from >= 8) {
        memset(mask + from / 8, 0xff, (size_t)((to - from) / 8));
        from += (to - from) / 8 * 8;
    }
    for (; from < to; from++)
        mask[from / 8] |= (unsigned char)(1u << (from % 8));
}

/* Add to @mask the bits of record @r, placed at bit @at, that mean the
 * same in every replica: a field's own bits, a record's (an array's
 * elements') by its mask, a union's members' all.  False where libclang
 * did not give the layout. */
static bool mask_record(struct fra_model *m, const struct fra_record *r, unsigned char *mask,
                        size_t size, unsigned long long at, int depth)
{
    if (!r->layout_known || depth > 32)
        return false;
    for (size_t i = 0; i < r->nfields; i++) {
        const struct fra_field *f = &r->fields[i];
        const struct fra_record *sub =
            f->type.kind == FRA_T_RECORD ? fra_model_record(m, f->type.record) : NULL;
        enum fkind fk = field_kind(m, f, 0);
        unsigned long long o = at + f->bit_offset;

        /* beyond the struct's size; a bit-field of padding; this
         * process's addresses, which the callee's copy replaces, and
         * handles, which the runtime numbers */
        if (f->flexible || (f->bitfield && (!f->name || !*f->name)) || fk == F_COUNT ||
            fk == F_STRING || fk == F_CALLBACK || fk == F_HANDLE)
            continue;
        if (f->bitfield) {
            mask_bits(mask, size, o, f->bit_width);
        } else if (sub) {
            for (unsigned long long e = 0; sub->size && e < f->size / sub->size; e++)
                if (!mask_record(m, sub, mask, size, o + e * sub->size * 8, depth + 1))
                    return false;
        } else if (f->type.value_bytes && f->type.scalar_size) {
            /* an x87 long double: its 80 bits, not the 6 bytes after them */
            for (unsigned long long e = 0; e < f->size / f->type.scalar_size; e++)
                mask_bits(mask, size, o + e * f->type.scalar_size * 8, f->type.value_bytes * 8);
        } else {
            mask_bits(mask, size, o, f->size * 8);
        }
    }
    return true;
}

/* Whether record @key's mask leaves out the tail of an x87 long double
 * (then its helper checks the compiler's long double is one). */
static bool record_x87(struct fra_model *m, const char *key, int depth)
{
    struct fra_record *r = key ? fra_model_record(m, key) : NULL;

    for (size_t i = 0; r && depth < 32 && i < r->nfields; i++)
        if (r->fields[i].type.value_bytes ||
            (r->fields[i].type.kind == FRA_T_RECORD &&
             record_x87(m, r->fields[i].type.record, depth + 1)))
            return true;
    return false;
}

/* The mask of record @key (on @ctx, r->size bytes in *@size), or NULL
 * where there is no record or no layout. */
static unsigned char *record_mask(void *ctx, struct fra_model *m, const char *key, size_t *size)
{
    struct fra_record *r = key ? fra_model_record(m, key) : NULL;
    unsigned char *mask = r ? talloc_zero_size(ctx, r->size + 1) : NULL;

    if (!mask || !mask_record(m, r, mask, r->size, 0, 0)) {
        talloc_free(mask);
        return NULL;
    }
    *size = r->size;
    return mask;
}

/* Whether record @key has a tidy helper: there is something to leave out
 * of its bytes (a record without a layout has none, and is refused where
 * it is tidied: mark_tidy). */
static bool tidy_record(struct fra_model *m, const char *key)
{
    void *tmp = talloc_new(NULL);
    size_t size = 0;
    unsigned char *mask = record_mask(tmp, m, key, &size);
    bool ones = true;

    for (size_t i = 0; mask && i < size && ones; i++)
        ones = mask[i] == 0xff;
    ones = !mask || ones;
    talloc_free(tmp);
    return !ones;
}

/* The helper fr_put_tidy / fr_ret_tidy are passed for record @key, or
 * NULL for no call: a record whose mask is all ones is sent as it is (no
 * handle can be in it).  One without a layout gets a name, so that
 * mark_tidy refuses it. */
static const char *tidy_fn(void *tmp, struct fra_model *m, const char *key)
{
    size_t size;

    if (record_mask(tmp, m, key, &size) && !tidy_record(m, key))
        return NULL;
    return talloc_asprintf(tmp, "__fr_tidy_%s", rec_id(tmp, m, key));
}

static bool module_replicates(struct fra_model *m, const char *name)
{
    struct fra_module *md = name ? fra_model_module(m, name) : NULL;

    return md && (md->caps & FR_REPLICABLE);
}

static bool app_replicates(struct fra_model *m)
{
    for (size_t i = 0; i < m->nmodules; i++)
        if (m->modules[i].caps & FR_REPLICABLE)
            return true;
    return false;
}

/* What a record's helpers pass fr_put_tidy / fr_ret_tidy after the
 * FR_COUNT array @f of records they send (tidy_fn), or NULL for no call
 * (no replicas, or no records). */
static const char *count_tidy(void *tmp, struct fra_model *m, const struct fra_field *f,
                              const struct fctx *x)
{
    if (x->fk != F_COUNT || f->type.pointee != FRA_P_RECORD ||
        !fra_model_record(m, f->type.record) || !app_replicates(m))
        return NULL;
    return tidy_fn(tmp, m, f->type.record);
}

/* One record's helpers.  putd/argd: the request side of every deep field;
 * retd/getd: the reply side of FR_COUNT fields and handles; keep: the
 * caller's own pointers back into a record that came home. */
static void emit_record(struct fra_gen *g, struct out *o, int k, unsigned need)
{
    struct fra_model *m = g->m;
    struct fra_record *r = m->records[k];
    void *tmp = talloc_new(NULL);
    const char *id = rec_id(tmp, m, r->key), *tidy;
    bool replies = record_replies(m, r->key, 0);

    if (need & H_REQ) {
        loop_head(o, "void", "putd", id, "struct fr_call *__fr_c", "const ", r->name);
        for (size_t i = 0; i < r->nfields; i++) {
            const struct fra_field *f = &r->fields[i];
            const struct fctx x = field_ctx(tmp, m, r, f);

            switch (x.fk) {
            case F_COUNT:
                put(o, "        size_t __fr_len_%s;\n"
                       "        if (FR_BYTES(%s, %s, &__fr_len_%s))\n"
                       "            fr_call_refuse(__fr_c, %s);\n"
                       "        fr_put_in(__fr_c, %s, __fr_len_%s);\n",
                    f->name, count_expr(tmp, r, f), elem_size(tmp, &f->type, x.ptr), f->name,
                    x.why, x.ptr, f->name);
                if ((tidy = count_tidy(tmp, m, f, &x)))
                    put(o, "        fr_put_tidy(__fr_c, %s, sizeof *%s);\n", tidy, x.ptr);
                if (x.deep)
                    put(o, "        if (%s)\n            __fr_putd_%s(__fr_c, %s, __fr_len_%s / "
                           "sizeof *%s);\n",
                        x.ptr, x.sub, x.ptr, f->name, x.ptr);
                break;
            case F_STRING:
                put(o, "        fr_put_string(__fr_c, %s);\n", x.ptr);
                break;
            case F_CALLBACK:
                put(o, "        fr_put_callback(__fr_c, (fr_fnptr)%s);\n", x.ptr);
                break;
            case F_HANDLE:
                handle_call(o, tmp, f, "fr_put_handle(__fr_c, ", false);
                break;
            case F_SUB:
                put(o, "        ");
                sub_call(o, f, "putd", x.sub, "__fr_c");
                put(o, ";\n");
                break;
            case F_NONE:
                break;
            }
        }
        put(o, "    }\n}\n");

        loop_head(o, "int", "argd", id, "struct fr_callee *__fr_cc", "", r->name);
        put(o, "        int __fr_rc;\n");
        for (size_t i = 0; i < r->nfields; i++) {
            const struct fra_field *f = &r->fields[i];
            const struct fctx x = field_ctx(tmp, m, r, f);

            switch (x.fk) {
            case F_COUNT:
                /* The count is the caller's, in the record it sent. */
                put(o, "        void *__fr_b_%s;\n        size_t __fr_n_%s, __fr_len_%s;\n"
                       "        if ((__fr_rc = fr_arg_in(__fr_cc, &__fr_b_%s, &__fr_n_%s)) != 0)\n"
                       "            return __fr_rc;\n"
                       "        if (FR_BYTES(%s, %s, &__fr_len_%s) ||\n"
                       "            (__fr_b_%s && __fr_n_%s != __fr_len_%s))\n"
                       "            return -EPROTO;\n",
                    f->name, f->name, f->name, f->name, f->name, count_expr(tmp, r, f),
                    elem_size(tmp, &f->type, x.ptr), f->name, f->name, f->name, f->name);
                assign(o, "        ", f, x.ptr, talloc_asprintf(tmp, "__fr_b_%s", f->name));
                if (x.deep)
                    put(o, "        if (%s && (__fr_rc = __fr_argd_%s(__fr_cc, %s, __fr_len_%s / "
                           "sizeof *%s)) != 0)\n            return __fr_rc;\n",
                        x.ptr, x.sub, x.ptr, f->name, x.ptr);
                break;
            case F_STRING:
                put(o, "        char *__fr_s_%s;\n"
                       "        if ((__fr_rc = fr_arg_string(__fr_cc, &__fr_s_%s)) != 0)\n"
                       "            return __fr_rc;\n",
                    f->name, f->name);
                assign(o, "        ", f, x.ptr, talloc_asprintf(tmp, "__fr_s_%s", f->name));
                break;
            case F_CALLBACK:
                put(o, "        fr_fnptr __fr_f_%s;\n"
                       "        if ((__fr_rc = fr_arg_callback(__fr_cc, &__fr_f_%s)) != 0)\n"
                       "            return __fr_rc;\n",
                    f->name, f->name);
                assign(o, "        ", f, x.ptr,
                       talloc_asprintf(tmp, "(__typeof__(%s))__fr_f_%s", x.ptr, f->name));
                break;
            case F_HANDLE:
                handle_call(o, tmp, f, "fr_arg_handle(__fr_cc, (void *)", true);
                break;
            case F_SUB:
                put(o, "        if ((__fr_rc = ");
                sub_call(o, f, "argd", x.sub, "__fr_cc");
                put(o, ") != 0)\n            return __fr_rc;\n");
                break;
            case F_NONE:
                break;
            }
        }
        put(o, "    }\n    return 0;\n}\n");
    }

    if ((need & (H_REP | H_RET)) && replies) {
        loop_head(o, "int", "retd", id, "struct fr_callee *__fr_cc", "const ", r->name);
        put(o, "        int __fr_rc;\n");
        for (size_t i = 0; i < r->nfields; i++) {
            const struct fra_field *f = &r->fields[i];
            const struct fctx x = field_ctx(tmp, m, r, f);

            if (x.fk == F_COUNT && count_replies(f)) {
                /* A count the callee made too large is a reply nobody can
                 * take: a malformed message. */
                put(o, "        size_t __fr_len_%s;\n"
                       "        if (FR_BYTES(%s, %s, &__fr_len_%s))\n"
                       "            return -EPROTO;\n"
                       "        if ((__fr_rc = fr_ret_buf(__fr_cc, %s, __fr_len_%s)) != 0)\n"
                       "            return __fr_rc;\n",
                    f->name, count_expr(tmp, r, f), elem_size(tmp, &f->type, x.ptr), f->name,
                    x.ptr, f->name);
                if ((tidy = count_tidy(tmp, m, f, &x)))
                    put(o, "        if (%s && (__fr_rc = fr_ret_tidy(__fr_cc, %s, %s, sizeof *%s)) != 0)\n"
                           "            return __fr_rc;\n",
                        x.ptr, tidy, x.ptr, x.ptr);
                if (x.deep && record_replies(m, f->type.record, 0))
                    put(o, "        if (%s && (__fr_rc = __fr_retd_%s(__fr_cc, %s, __fr_len_%s / "
                           "sizeof *%s)) != 0)\n            return __fr_rc;\n",
                        x.ptr, x.sub, x.ptr, f->name, x.ptr);
            } else if (x.fk == F_HANDLE) {
                handle_call(o, tmp, f, "fr_ret_handle(__fr_cc, ", true);
            } else if (x.fk == F_SUB && record_replies(m, f->type.record, 0)) {
                put(o, "        if ((__fr_rc = ");
                sub_call(o, f, "retd", x.sub, "__fr_cc");
                put(o, ") != 0)\n            return __fr_rc;\n");
            }
        }
        put(o, "    }\n    return 0;\n}\n");
    }

    if (need & H_KEEP) {
        /* keep: dst gets src's pointer fields, at every depth (handles as
         * getd put them there) */
        put(o, "\nstatic void __fr_keep_%s(%s *__fr_d, const %s *__fr_e)\n{\n", id, r->name,
            r->name);
        for (size_t i = 0; i < r->nfields; i++) {
            const struct fra_field *f = &r->fields[i];
            const struct fctx x = field_ctx(tmp, m, r, f);

            if (x.fk == F_COUNT || x.fk == F_STRING || x.fk == F_CALLBACK ||
                (x.fk == F_HANDLE && !f->array))
                assign(o, "    ", f, talloc_asprintf(tmp, "__fr_d->%s", f->name),
                       talloc_asprintf(tmp, "__fr_e->%s", f->name));
            else if (x.fk == F_HANDLE)
                put(o, "    memcpy(__fr_d->%s, __fr_e->%s, sizeof __fr_d->%s);\n", f->name, f->name,
                    f->name);
            else if (x.fk == F_SUB && f->array)
                put(o, "    for (size_t __fr_i = 0; __fr_i < sizeof __fr_e->%s / sizeof __fr_e->%s[0]; "
                       "__fr_i++)\n        __fr_keep_%s(&__fr_d->%s[__fr_i], &__fr_e->%s[__fr_i]);\n",
                    f->name, f->name, x.sub, f->name, f->name);
            else if (x.fk == F_SUB)
                put(o, "    __fr_keep_%s(&__fr_d->%s, &__fr_e->%s);\n", x.sub, f->name, f->name);
        }
        put(o, "}\n");
    }

    if ((need & (H_REP | H_RET)) && replies) {
        /* getd reads what FR_COUNT arrays came back, sized by the caller's
         * own counts, and the handles, each checked (fr_get_handle) */
        loop_head(o, "void", "getd", id, "struct fr_call *__fr_c", "", r->name);
        for (size_t i = 0; i < r->nfields; i++) {
            const struct fra_field *f = &r->fields[i];
            const struct fctx x = field_ctx(tmp, m, r, f);

            if (x.fk == F_COUNT && count_replies(f)) {
                put(o, "        size_t __fr_len_%s;\n"
                       "        if (FR_BYTES(%s, %s, &__fr_len_%s))\n"
                       "            fr_call_refuse(__fr_c, %s);\n",
                    f->name, count_expr(tmp, r, f), elem_size(tmp, &f->type, x.ptr), f->name,
                    x.why);
                if (x.deep)
                    put(o, "        __fr_get_%s(__fr_c, %s, __fr_len_%s / sizeof *%s);\n", x.sub,
                        x.ptr, f->name, x.ptr);
                else
                    put(o, "        fr_get_buf(__fr_c, %s, __fr_len_%s);\n", x.ptr, f->name);
            } else if (x.fk == F_HANDLE) {
                handle_call(o, tmp, f, "fr_get_handle(__fr_c, (void *)", false);
            } else if (x.fk == F_SUB && record_replies(m, f->type.record, 0)) {
                put(o, "        ");
                sub_call(o, f, "getd", x.sub, "__fr_c");
                put(o, ";\n");
            }
        }
        put(o, "    }\n}\n");
    }

    if ((need & H_GET) && record_only_handles(m, r->key, 0)) {
        /* get, of records whose only pointers are handles: the callee's
         * bytes straight into the caller's (where they share memory with
         * another buffer of the call, the runtime's plan knows them by that
         * address), then every handle, checked, over the callee's raw ones
         * (fr_get_handle leaves NULL where none comes checked) */
        put(o, "\nstatic void __fr_get_%s(struct fr_call *__fr_c, %s *__fr_p, size_t __fr_n)\n"
               "{\n    size_t __fr_len;\n\n"
               "    if (FR_BYTES(__fr_n, sizeof *__fr_p, &__fr_len)) {\n"
               "        fr_call_refuse(__fr_c, %s);\n        return;\n    }\n"
               "    fr_get_buf(__fr_c, __fr_p, __fr_len);\n"
               "    __fr_getd_%s(__fr_c, __fr_p, __fr_p ? __fr_n : 0);\n}\n",
            id, r->name,
            c_str(tmp, talloc_asprintf(tmp, "the size of an array of %s overflows size_t",
                                       r->name)),
            id);
    } else if (need & H_GET) {
        /* get: the whole array through a copy, so that the caller's
         * pointers survive the callee's bytes; copied back by bytes, as
         * fr_get_buf does, for a struct with a const member cannot be
         * assigned */
        put(o, "\nstatic void __fr_get_%s(struct fr_call *__fr_c, %s *__fr_p, size_t __fr_n)\n"
               "{\n    %s *__fr_t;\n    size_t __fr_len;\n\n"
               "    if (FR_BYTES(__fr_n, sizeof *__fr_t, &__fr_len)) {\n"
               "        fr_call_refuse(__fr_c, %s);\n        return;\n    }\n"
               "    __fr_t = __fr_p ? malloc(__fr_len ? __fr_len : 1) : NULL;\n"
               "    if (__fr_p && !__fr_t) {\n        if (!__fr_c->err)\n"
               "            __fr_c->err = -ENOMEM;\n        return;\n    }\n"
               "    fr_get_buf(__fr_c, __fr_t, __fr_len);\n",
            id, r->name, r->name,
            c_str(tmp, talloc_asprintf(tmp, "the size of an array of %s overflows size_t",
                                       r->name)));
        if (replies)
            put(o, "    __fr_getd_%s(__fr_c, __fr_p, __fr_p ? __fr_n : 0);\n", id);
        put(o, "    for (size_t __fr_i = 0; __fr_p && !__fr_c->err && __fr_i < __fr_n; __fr_i++) {\n"
               "        __fr_keep_%s(&__fr_t[__fr_i], &__fr_p[__fr_i]);\n"
               "        memcpy(&__fr_p[__fr_i], &__fr_t[__fr_i], sizeof *__fr_p);\n    }\n"
               "    free(__fr_t);\n}\n",
            id);
    }
    if (unnamed(r))
        fra_model_error(m, &r->fields[0].loc,
                        "give the struct a tag or a typedef name",
                        "an unnamed struct cannot be copied deep across modules");
    talloc_free(tmp);
}

/* Mark the helpers record @key needs (@what of H_*), and those of the
 * records its fields reach. */
static void mark_record(struct fra_model *m, const char *key, unsigned *need, unsigned what,
                        int depth)
{
    int k = key ? record_index(m, key) : -1;
    struct fra_record *r;

    if (k < 0 || depth > 8 || !record_deep(m, key, 0))
        return;
    /* a record that holds more than handles comes back through a copy:
     * it keeps the caller's pointers, and so do its records by value */
    if ((what & H_REP) && !record_only_handles(m, key, 0))
        what |= H_KEEP;
    if ((need[k] & what) == what)
        return;
    need[k] |= what;
    r = m->records[k];
    for (size_t i = 0; i < r->nfields; i++) {
        enum fkind fk = field_kind(m, &r->fields[i], 0);
        if (fk == F_SUB)
            mark_record(m, r->fields[i].type.record, need, what & ~(unsigned)H_GET, depth + 1);
        else if (fk == F_COUNT && r->fields[i].type.record && count_replies(&r->fields[i]))
            mark_record(m, r->fields[i].type.record, need,
                        (what & H_REP ? what | H_GET : what) & ~(unsigned)H_KEEP, depth + 1);
        else if (fk == F_COUNT && r->fields[i].type.record)   /* they go in only */
            mark_record(m, r->fields[i].type.record, need,
                        what & ~(unsigned)(H_REP | H_GET | H_RET | H_KEEP), depth + 1);
    }
}

/* ---- records alike in replicas ------------------------------------------ */

/* Mark record @key's tidy helper, if it has one; what it holds is in its
 * own mask.  A record that cannot have one is refused: replicas would
 * compare its bytes as they are. */
static void mark_tidy(struct fra_model *m, const char *key, unsigned char *tneed)
{
    struct fra_record *r = key ? fra_model_record(m, key) : NULL;
    int k = r ? record_index(m, key) : -1;
    void *tmp;
    size_t size;
    static const struct fra_loc nowhere;
    const struct fra_loc *at;

    if (k < 0 || tneed[k])
        return;
    tmp = talloc_new(NULL);
    at = r->nfields ? &r->fields[0].loc : &nowhere;
    if (!record_mask(tmp, m, key, &size))
        fra_model_error(m, at,
                        "keep the functions that pass it and their callers in one module, or "
                        "do not replicate the module",
                        "libclang gave no layout of '%s', whose bytes replicas compare",
                        r->name);
    else if (tidy_record(m, key) && !rec_type(tmp, m, key))
        fra_model_error(m, at, "give the struct a tag or a typedef name",
                        "replicas compare the bytes of this unnamed struct, but the helper "
                        "that tidies them cannot name its type");
    else
        tneed[k] = tidy_record(m, key);
    talloc_free(tmp);
}

/* What a stub passes fr_put_tidy after sending parameter @p (a struct by
 * value, FR_IN / FR_INOUT structs: tidy_fn), or NULL for no call. */
static const char *stub_tidy(void *tmp, struct fra_model *m, const struct fra_param *p)
{
    bool rec = (p->rule.copy == FRA_COPY_STRUCT && p->type.kind == FRA_T_RECORD) ||
               ((p->rule.copy == FRA_COPY_IN || p->rule.copy == FRA_COPY_INOUT) &&
                p->type.pointee == FRA_P_RECORD);

    return rec && fra_model_record(m, p->type.record) && app_replicates(m)
               ? tidy_fn(tmp, m, p->type.record)
               : NULL;
}

/* ... and what a dispatcher of function @f passes fr_ret_tidy after
 * sending its structs back -- parameter @p (FR_OUT / FR_INOUT), or, with
 * @p NULL, the value returned (a struct, or FR_RET structs) --, or NULL
 * for no call.  The runtime notes where the bytes were either way, for
 * the handles it writes. */
static const char *reply_tidy(void *tmp, struct fra_model *m, const struct fra_func *f,
                              const struct fra_param *p)
{
    bool rec = p ? (p->rule.copy == FRA_COPY_OUT || p->rule.copy == FRA_COPY_INOUT) &&
                       p->type.pointee == FRA_P_RECORD
                 : (f->ret_rule.copy == FRA_COPY_STRUCT && f->ret.kind == FRA_T_RECORD) ||
                       (f->ret_rule.copy == FRA_COPY_RET && f->ret.pointee == FRA_P_RECORD);
    const char *key = p ? p->type.record : f->ret.record;

    if (!rec || !fra_model_record(m, key) || !module_replicates(m, f->module))
        return NULL;
    return tidy_fn(tmp, m, key);
}

/* __fr_mask_REC and __fr_tidy_REC of record @k (see above). */
static void emit_tidy(struct fra_gen *g, struct out *o, int k)
{
    struct fra_model *m = g->m;
    struct fra_record *r = m->records[k];
    void *tmp = talloc_new(NULL);
    const char *id = rec_id(tmp, m, r->key);
    size_t size = 0;
    unsigned char *mask = record_mask(tmp, m, r->key, &size);
    bool bits = false;

    put(o, "\n/* the bits of %s alike in every replica */\n"
           "static const unsigned char __fr_mask_%s[%zu] = {", r->name, id, size);
    for (size_t i = 0; mask && i < size; i++) {
        put(o, "%s0x%02x,", i % 12 ? " " : "\n    ", mask[i]);
        bits |= mask[i] != 0 && mask[i] != 0xff;
    }
    put(o, "\n};\n\nstatic void __fr_tidy_%s(void *__fr_dv, const void *__fr_sv, size_t __fr_n)\n{\n"
           "    unsigned char *__fr_d = __fr_dv;\n    const unsigned char *__fr_s = __fr_sv;\n\n"
           "    _Static_assert(sizeof(%s) == sizeof __fr_mask_%s,\n                   %s);\n",
        id, rec_type(tmp, m, r->key), id,
        c_str(tmp, talloc_asprintf(tmp, "%s is not laid out as fracture-annotate read it: "
                                        "annotate again with this compiler's flags", r->name)));
    if (bits)
        put(o, "    _Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,\n"
               "                   \"the masks of bit-fields are made for a little-endian "
               "target\");\n");
    if (record_x87(m, r->key, 0))
        put(o, "    _Static_assert(__LDBL_MANT_DIG__ == 64,\n"
               "                   \"the mask takes long double for x87's 80 bits\");\n");
    put(o, "    for (size_t __fr_i = 0; __fr_i < __fr_n; __fr_i++) {\n"
           "        for (size_t __fr_j = 0; __fr_j < sizeof __fr_mask_%s; __fr_j++)\n"
           "            __fr_d[__fr_j] = __fr_s[__fr_j] & __fr_mask_%s[__fr_j];\n"
           "        __fr_d += sizeof __fr_mask_%s;\n        __fr_s += sizeof __fr_mask_%s;\n"
           "    }\n}\n",
        id, id, id, id);
    talloc_free(tmp);
}

/* ---- one function --------------------------------------------------------- */

/* Zero what follows the value of x87 long double @name (type @t) before a
 * replica sends it: those bytes are whatever the stack held, and the
 * group compares them.  Only where the group can see them (@replicas). */
static void x87_tail(struct out *o, const struct fra_type *t, const char *name, bool replicas)
{
    if (!replicas || !t->value_bytes || t->top_const)
        return;
    put(o, "    _Static_assert(__LDBL_MANT_DIG__ == 64, \"annotated for x87's long double\");\n"
           "    memset((unsigned char *)&%s + %u, 0, sizeof %s - %u);   /* not its value */\n",
        name, t->value_bytes, name, t->value_bytes);
}


/* A volatile pointee is copied like any other (the copy is the access the
 * plain call would make): the runtime's byte-copy functions take plain
 * pointers, so the qualifier is cast away where the pointer is handed over. */
static const char *volatile_cast(const struct fra_param *p)
{
    return strstr(p->type.spelling, "volatile") ? "(void *)" : "";
}

static const char *pname(void *ctx, const struct fra_param *p, unsigned i)
{
    return p->name && *p->name ? p->name : talloc_asprintf(ctx, "__fr_p%u", i);
}

static bool qual_at(const char *s, size_t *len)
{
    static const char *const quals[] = {"const", "volatile", "restrict"};

    for (size_t q = 0; q < sizeof quals / sizeof *quals; q++) {
        size_t l = strlen(quals[q]);
        if (strncmp(s, quals[q], l) == 0 && !(s[l] == '_' || (s[l] >= 'a' && s[l] <= 'z') ||
                                               (s[l] >= 'A' && s[l] <= 'Z') ||
                                               (s[l] >= '0' && s[l] <= '9'))) {
            *len = l;
            return true;
        }
    }
    return false;
}

/* The type of a local that receives a value of type @t: its top-level
 * qualifiers dropped (a parameter "const char *const s" is assigned in the
 * dispatcher).  They stand after the pointer's last '*' (before the ')' of
 * a declarator such as "int (*const)(int)"), or, for other types, before
 * or after the type's name. */
static char *local_type(void *ctx, const struct fra_type *t)
{
    char *s = talloc_strdup(ctx, t->spelling);
    size_t from, to, l;

    if (!s)
        return NULL;
    if (t->kind == FRA_T_PTR) {
        char *close = strchr(s, ')');
        char *star = close ? close : s + strlen(s);
        while (star > s && *star != '*')
            star--;
        if (*star != '*')
            return talloc_asprintf(ctx, "__typeof__(%s)", t->spelling);
        from = (size_t)(star - s) + 1;
        to = close ? (size_t)(close - s) : strlen(s);
        /* only qualifiers and blanks between the '*' and the end */
        for (size_t i = from; i < to;) {
            if (s[i] == ' ')
                i++;
            else if (qual_at(s + i, &l))
                i += l;
            else
                return talloc_asprintf(ctx, "__typeof__(%s)", t->spelling);
        }
        while (from > 0 && s[from - 1] == ' ')
            from--;
        memmove(s + from, s + to, strlen(s + to) + 1);
        return talloc_asprintf(ctx, "__typeof__(%s)", s);
    }
    if (strchr(s, '(') || strchr(s, '['))
        return talloc_asprintf(ctx, "__typeof__(%s)", s);
    /* "const volatile int", "int const", "const struct s" */
    for (from = 0; s[from];) {
        if (s[from] == ' ')
            memmove(s + from, s + from + 1, strlen(s + from));
        else if (qual_at(s + from, &l))
            memmove(s + from, s + from + l, strlen(s + from + l) + 1);
        else if (!(s[from] == '_' || (s[from] >= 'a' && s[from] <= 'z') ||
                   (s[from] >= 'A' && s[from] <= 'Z') || (s[from] >= '0' && s[from] <= '9')))
            from++;
        else {
            /* a word that is not a qualifier: keep it and one blank after */
            while (s[from] == '_' || (s[from] >= 'a' && s[from] <= 'z') ||
                   (s[from] >= 'A' && s[from] <= 'Z') || (s[from] >= '0' && s[from] <= '9'))
                from++;
            if (s[from] == ' ')
                from++;
        }
    }
    l = strlen(s);
    while (l > 0 && s[l - 1] == ' ')
        s[--l] = '\0';
    return talloc_asprintf(ctx, "__typeof__(%s)", s);
}

static bool param_deep(struct fra_model *m, const struct fra_param *p)
{
    return p->type.record && (p->rule.copy == FRA_COPY_IN || p->rule.copy == FRA_COPY_INOUT ||
                              p->rule.copy == FRA_COPY_OUT || p->rule.copy == FRA_COPY_STRUCT) &&
           record_deep(m, p->type.record, 0);
}

/* A returned record that holds handles (by value, or FR_RET): they come
 * back after its bytes, each through the runtime's handle calls. */
static bool ret_handles(struct fra_model *m, const struct fra_func *f)
{
    return ((f->ret_rule.copy == FRA_COPY_STRUCT && f->ret.kind == FRA_T_RECORD) ||
            (f->ret_rule.copy == FRA_COPY_RET && f->ret.pointee == FRA_P_RECORD)) &&
           record_returns(m, f->ret.record);
}

/* FR_RET(n) on T ** with T * a handle: the elements come back one by one,
 * each as a handle (fr_ret_handles, fr_get_handles). */
static bool ret_handle_array(struct fra_model *m, const struct fra_func *f)
{
    return f->ret_rule.copy == FRA_COPY_RET && f->ret.kind == FRA_T_PTR &&
           f->ret.pointee == FRA_P_PTR && f->ret.inner_record &&
           (f->ret.inner_incomplete || fra_model_opaque(m, f->ret.inner_record));
}

static bool param_buf(const struct fra_param *p)
{
    return p->rule.copy == FRA_COPY_IN || p->rule.copy == FRA_COPY_OUT ||
           p->rule.copy == FRA_COPY_INOUT;
}

/* What the callee writes: where two such buffers overlap, copies made
 * apart could not show the callee that they alias. */
static bool param_written(const struct fra_param *p)
{
    return p->rule.copy == FRA_COPY_OUT || p->rule.copy == FRA_COPY_INOUT ||
           (p->rule.copy == FRA_COPY_STRING && p->rule.string_inout) ||
           (p->rule.copy == FRA_COPY_HANDLES && p->rule.dir != FRA_COPY_IN);
}

/* An array of handles (FRA_COPY_HANDLES): its elements cross one by one. */
static bool param_handles(const struct fra_param *p)
{
    return p->rule.copy == FRA_COPY_HANDLES;
}

/* Structs copied deep whose pointers are rewritten in the copy: all but
 * those whose only pointers are handles, which the callee untags in place
 * and the runtime tags again as their region goes back (callee.c). */
static bool param_rewritten(struct fra_model *m, const struct fra_param *p)
{
    return param_deep(m, p) && !record_only_handles(m, p->type.record, 0);
}

/* Buffers that overlap travel as one region (the runtime's alias plan),
 * except where one of them is copied otherwise: structs whose pointers
 * the copy rewrites, and string buffers.  Such a pair, one of them
 * written, is refused when it overlaps. */
static bool alias_apart(struct fra_model *m, const struct fra_param *p, const struct fra_param *q)
{
    bool sp = param_rewritten(m, p) || (p->rule.copy == FRA_COPY_STRING && p->rule.string_inout) ||
              param_handles(p);
    bool sq = param_rewritten(m, q) || (q->rule.copy == FRA_COPY_STRING && q->rule.string_inout) ||
              param_handles(q);
    bool bp = param_buf(p) || param_written(p) || param_handles(p),
         bq = param_buf(q) || param_written(q) || param_handles(q);

    return bp && bq && (sp || sq) && (param_written(p) || param_written(q));
}

/* Whether parameter @p has a byte length __fr_len_NAME computed from its count. */
static bool param_len(const struct fra_param *p)
{
    return param_buf(p) || (p->rule.copy == FRA_COPY_STRING && p->rule.string_inout) ||
           (p->rule.copy == FRA_COPY_STRV && p->rule.n) || param_handles(p);
}

/* "FR_BYTES(n, sizeof *(v), &__fr_len_v)" of parameter @p named @n. */
static char *len_bytes(void *ctx, const struct fra_param *p, const char *n)
{
    const char *size = p->rule.copy == FRA_COPY_STRING || p->rule.copy == FRA_COPY_STRV
                           ? "1" : elem_size(ctx, &p->type, n);

    return talloc_asprintf(ctx, "FR_BYTES(%s, %s, &__fr_len_%s)", p->rule.n ? p->rule.n : "1",
                           size, n);
}

/* A count that is a number (inferred one element, FR_IN(4)): its size is
 * a constant the compiler checks. */
static bool literal_count(const char *n)
{
    if (!n)
        return true;
    for (; *n; n++)
        if (*n < '0' || *n > '9')
            return false;
    return true;
}

static void emit_stub(struct fra_gen *g, struct out *o, const struct fra_func *f, void *tmp)
{
    struct fra_model *m = g->m;
    const char *mn = fra_gen_mangle(tmp, f);
    unsigned mod = fra_gen_module(g, f->module);
    bool has_ret = f->ret_rule.copy != FRA_COPY_NONE;
    enum fra_copy rc = f->ret_rule.copy;
    bool fails = f->fail_value != NULL;
    /* a permanent failure's own errno is told (fr_failure_errno) */
    bool rc_told = fails;

    put(o, "\n/* caller stub of %s() */\n%s%s %s(", f->name, f->internal ? "static " : "",
        has_ret ? talloc_asprintf(tmp, "__typeof__(%s)", f->ret.spelling) : "void",
        fra_gen_stub_name(tmp, f));
    /* Parameters unqualified, as the dispatcher's locals: the function's
     * type is the same (C11 6.7.6.3p15), and the stub may take their
     * addresses. */
    for (unsigned i = 0; i < f->nparams; i++)
        put(o, "%s%s %s", i ? ", " : "", local_type(tmp, &f->params[i].type),
            pname(tmp, &f->params[i], i));
    put(o, "%s)\n{\n    struct fr_call __fr_c;\n", f->nparams ? "" : "void");
    if (has_ret)
        put(o, "    %s __fr_ret = {0};\n", local_type(tmp, &f->ret));
    for (unsigned i = 0; i < f->nparams; i++)
        if (param_len(&f->params[i]))
            put(o, "    size_t __fr_len_%s;\n", pname(tmp, &f->params[i], i));
    if (rc == FRA_COPY_RET)
        put(o, "    size_t __fr_len_ret;\n");
    if (rc_told)
        put(o, "    int __fr_rc;\n");
    /* The same FMP: the unfractured call, behind one predictable branch. */
    put(o, "\n    if (FR_LOCAL(%u)) {\n        %s%s(", mod, has_ret ? "return " : "", f->name);
    for (unsigned i = 0; i < f->nparams; i++)
        put(o, "%s%s", i ? ", " : "", pname(tmp, &f->params[i], i));
    put(o, ");%s\n    }\n", has_ret ? "" : "\n        return;");
    put(o, "    fr_call_begin(&__fr_c, __fr_fnidx_%s);\n", mn);
    /* Every size first: one that overflows is the caller's own error, and
     * the call is not sent. */
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);

        if (!param_len(p))
            continue;
        if (literal_count(p->rule.n) && param_buf(p))
            put(o, "    __fr_len_%s = (size_t)%s * %s;\n", n, p->rule.n ? p->rule.n : "1",
                p->type.pointee == FRA_P_VOID ? "1" : elem_size(tmp, &p->type, n));
        else if (p->rule.copy == FRA_COPY_STRING || p->rule.copy == FRA_COPY_STRV ||
                 p->type.pointee == FRA_P_VOID)
            put(o, "    (void)%s; /* bytes or strings: no overflow */\n", len_bytes(tmp, p, n));
        else
            put(o, "    if (%s)\n        fr_call_refuse(&__fr_c, %s);\n", len_bytes(tmp, p, n),
                c_str(tmp, talloc_asprintf(tmp, "the size of '%s' (%s elements) overflows size_t",
                                           n, p->rule.n ? p->rule.n : "1")));
    }
    if (rc == FRA_COPY_RET)
        put(o, "    if (FR_BYTES(%s, %s, &__fr_len_ret) || __fr_len_ret == SIZE_MAX)\n"
               "        fr_call_refuse(&__fr_c, %s);\n",
            f->ret_rule.n, elem_size(tmp, &f->ret, "__fr_ret"),
            c_str(tmp, talloc_asprintf(tmp, "the size of the result (FR_RET(%s)) overflows size_t",
                                       f->ret_rule.n)));
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);

        for (unsigned j = i + 1; j < f->nparams; j++) {
            const struct fra_param *q = &f->params[j];
            const char *qn = pname(tmp, q, j);
            if (alias_apart(m, p, q))
                put(o, "    if (fr_overlap(%s, __fr_len_%s, %s, __fr_len_%s))\n"
                       "        fr_call_refuse(&__fr_c, %s);\n",
                    n, n, qn, qn,
                    c_str(tmp, talloc_asprintf(tmp, "the buffers of '%s' and '%s' overlap, and "
                                                    "one of them %s: its copy cannot share "
                                                    "memory with another; pass buffers that do "
                                                    "not overlap",
                                               n, qn,
                                               param_rewritten(m, p) || param_rewritten(m, q)
                                                   ? "holds structs copied deep"
                                               : param_handles(p) || param_handles(q)
                                                   ? "is an array of handles"
                                                   : "is a string buffer (FR_STRING with FR_INOUT)")));
        }
    }
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);
        const char *rk = p->type.record ? rec_id(tmp, m, p->type.record) : NULL;
        const char *cv = volatile_cast(p);
        const char *tidy;

        switch (p->rule.copy) {
        case FRA_COPY_IN:
            put(o, "    fr_put_in(&__fr_c, %s%s, __fr_len_%s);\n", cv, n, n);
            break;
        case FRA_COPY_OUT:
            put(o, "    fr_put_out(&__fr_c, %s%s, __fr_len_%s);\n", cv, n, n);
            break;
        case FRA_COPY_INOUT:
            put(o, "    fr_put_inout(&__fr_c, %s%s, __fr_len_%s);\n", cv, n, n);
            break;
        case FRA_COPY_STRING:
            put(o, "    fr_put_string(&__fr_c, %s);\n", n);
            break;
        case FRA_COPY_STRV:
            if (p->rule.n)
                put(o, "    fr_put_strings(&__fr_c, (const char *const *)%s, __fr_len_%s);\n", n, n);
            else
                put(o, "    fr_put_strv(&__fr_c, (const char *const *)%s);\n", n);
            break;
        case FRA_COPY_FD:
            put(o, "    fr_put_fd(&__fr_c, %s);\n", n);
            break;
        case FRA_COPY_CALLBACK:
            put(o, "    fr_put_callback(&__fr_c, (fr_fnptr)%s);\n", n);
            break;
        case FRA_COPY_OPAQUE:
            put(o, "    fr_put_handle(&__fr_c, &%s, sizeof %s);\n", n, n);
            break;
        case FRA_COPY_HANDLES:
            put(o, "    fr_put_handles(&__fr_c, %s, __fr_len_%s / sizeof *%s, sizeof *%s, %d);\n",
                n, n, n, n, p->rule.dir != FRA_COPY_OUT);
            break;
        default:
            x87_tail(o, &p->type, n, app_replicates(m));
            put(o, "    fr_put_scalar(&__fr_c, &%s, sizeof %s);\n", n, n);
            break;
        }
        if ((tidy = stub_tidy(tmp, m, p)))
            put(o, "    fr_put_tidy(&__fr_c, %s, sizeof %s%s);\n", tidy,
                p->rule.copy == FRA_COPY_STRUCT ? "" : "*", n);
        if (param_deep(m, p)) {
            if (p->rule.copy == FRA_COPY_STRUCT)
                put(o, "    __fr_putd_%s(&__fr_c, &%s, 1);\n", rk, n);
            else if (p->rule.copy != FRA_COPY_OUT)
                put(o, "    if (%s)\n        __fr_putd_%s(&__fr_c, %s, __fr_len_%s / sizeof *%s);\n",
                    n, rk, n, n, n);
        }
    }
    put(o, "    if (fr_call_invoke(&__fr_c) == 0) {\n");
    switch (rc) {
    case FRA_COPY_NONE:
        break;
    case FRA_COPY_STRING:
        put(o, "        fr_get_string(&__fr_c, (char **)&__fr_ret, SIZE_MAX);\n");
        break;
    case FRA_COPY_RET:
        put(o, "        unsigned char __fr_has = 0;\n"
               "        fr_get_scalar(&__fr_c, &__fr_has, 1);\n"
               "        if (__fr_has && !__fr_c.err) {\n"
               "            __fr_ret = malloc(__fr_len_ret + 1);\n"
               "            if (!__fr_ret)\n                __fr_c.err = -ENOMEM;\n");
        if (ret_handle_array(m, f))
            put(o, "            fr_get_handles(&__fr_c, (void *)__fr_ret, __fr_len_ret / sizeof *__fr_ret, "
                   "sizeof *__fr_ret);\n");
        else
            put(o, "            fr_get_buf(&__fr_c, (void *)__fr_ret, __fr_len_ret);\n");
        if (ret_handles(m, f))
            put(o, "            if (__fr_ret)\n                __fr_getd_%s(&__fr_c, (void *)__fr_ret, "
                   "__fr_len_ret / sizeof *__fr_ret);\n",
                rec_id(tmp, m, f->ret.record));
        put(o, "        }\n");
        break;
    case FRA_COPY_FD:
        put(o, "        fr_get_fd(&__fr_c, &__fr_ret);\n");
        break;
    case FRA_COPY_OPAQUE:
        put(o, "        fr_get_handle(&__fr_c, &__fr_ret, sizeof __fr_ret);\n");
        break;
    default:
        put(o, "        fr_get_scalar(&__fr_c, &__fr_ret, sizeof __fr_ret);\n");
        if (ret_handles(m, f))
            put(o, "        __fr_getd_%s(&__fr_c, &__fr_ret, 1);\n", rec_id(tmp, m, f->ret.record));
        break;
    }
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);
        const char *rk = p->type.record ? rec_id(tmp, m, p->type.record) : NULL;

        if (p->rule.copy == FRA_COPY_STRING && p->rule.string_inout)
            put(o, "        fr_get_strbuf(&__fr_c, %s, __fr_len_%s);\n", n, n);
        else if ((p->rule.copy == FRA_COPY_INOUT || p->rule.copy == FRA_COPY_OUT) &&
                 param_deep(m, p))
            put(o, "        __fr_get_%s(&__fr_c, %s, %s ? __fr_len_%s / sizeof *%s : 0);\n", rk, n,
                n, n, n);
        else if (p->rule.copy == FRA_COPY_INOUT || p->rule.copy == FRA_COPY_OUT)
            put(o, "        fr_get_buf(&__fr_c, %s%s, __fr_len_%s);\n", volatile_cast(p), n, n);
        else if (param_handles(p) && p->rule.dir != FRA_COPY_IN)
            put(o, "        fr_get_handles(&__fr_c, %s, __fr_len_%s / sizeof *%s, sizeof *%s);\n",
                n, n, n, n);
    }
    put(o, "    }\n    if (%s < 0) {\n",
        rc_told ? "(__fr_rc = fr_call_end(&__fr_c))" : "fr_call_end(&__fr_c)");
    if (rc == FRA_COPY_STRING || rc == FRA_COPY_RET)
        put(o, "        free((void *)__fr_ret);\n");
    /* A permanent failure is told as itself (a call the caller refused is
     * its own error, EINVAL, not the callee's); a transient one as the
     * declared errno. */
    if (fails)
        put(o, "        errno = fr_failure_errno(__fr_rc, %s);\n        return%s%s;\n    }\n",
            f->fail_errno, has_ret ? " " : "", has_ret ? f->fail_value : "");
    else
        put(o, "        fr_call_abort(&__fr_c);\n    }\n");
    if (rc == FRA_COPY_STRING && !f->ret_owned)
        put(o, "    if (__fr_ret)\n        __fr_ret = fr_keep(__fr_fnidx_%s, (void *)__fr_ret, "
               "strlen(__fr_ret) + 1);\n",
            mn);
    else if (rc == FRA_COPY_RET && !f->ret_owned)
        put(o, "    if (__fr_ret)\n        __fr_ret = fr_keep(__fr_fnidx_%s, (void *)__fr_ret, "
               "__fr_len_ret);\n",
            mn);
    if (has_ret)
        put(o, "    return __fr_ret;\n");
    put(o, "}\n");
}

static void emit_dispatch(struct fra_gen *g, struct out *o, const struct fra_func *f, void *tmp)
{
    struct fra_model *m = g->m;
    const char *mn = fra_gen_mangle(tmp, f);
    bool has_ret = f->ret_rule.copy != FRA_COPY_NONE;
    enum fra_copy rc = f->ret_rule.copy;
    bool uses_cc = has_ret || f->nparams > 0;   /* every field goes through it */
    const char *tidy;
    put(o, "\n/* dispatcher of %s() */\nstatic int __fr_disp_%s(struct fr_callee *__fr_cc)\n{\n", f->name, mn);
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);

        put(o, "    %s %s;\n", local_type(tmp, &p->type), n);
        if (param_buf(p))
            put(o, "    void *__fr_b_%s;\n    size_t __fr_n_%s;\n", n, n);
        else if (p->rule.copy == FRA_COPY_STRING)
            put(o, "    char *__fr_s_%s;\n", n);
        else if (p->rule.copy == FRA_COPY_STRV)
            put(o, "    char **__fr_sv_%s;\n    size_t __fr_n_%s;\n", n, n);
        else if (param_handles(p))
            put(o, "    void *__fr_h_%s;\n    size_t __fr_n_%s;\n", n, n);
        else if (p->rule.copy == FRA_COPY_CALLBACK)
            put(o, "    fr_fnptr __fr_f_%s;\n", n);
        if (param_len(p))
            put(o, "    size_t __fr_len_%s;\n", n);
    }
    if (rc == FRA_COPY_RET)
        put(o, "    size_t __fr_len_ret;\n");
    /* A failure keeps its cause: the fr_arg_* / fr_ret_* status (out of
     * memory is ENOMEM); a request that contradicts itself is EPROTO. */
    put(o, uses_cc ? "    int __fr_rc;\n\n" : "\n    (void)__fr_cc;\n");
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);
        const char *rk = p->type.record ? rec_id(tmp, m, p->type.record) : NULL;

        switch (p->rule.copy) {
        case FRA_COPY_IN:
        case FRA_COPY_INOUT:
        case FRA_COPY_OUT:
            put(o, "    if ((__fr_rc = fr_arg_%s(__fr_cc, &__fr_b_%s, &__fr_n_%s)) != 0)\n"
                   "        return __fr_rc;\n    %s = __fr_b_%s;\n",
                p->rule.copy == FRA_COPY_OUT ? "out" : "in", n, n, n, n);
            if (param_deep(m, p) && p->rule.copy != FRA_COPY_OUT)
                put(o, "    if (__fr_b_%s && (__fr_rc = __fr_argd_%s(__fr_cc, __fr_b_%s, "
                       "__fr_n_%s / sizeof *%s)) != 0)\n        return __fr_rc;\n",
                    n, rk, n, n, n);
            break;
        case FRA_COPY_STRING:
            put(o, "    if ((__fr_rc = fr_arg_string(__fr_cc, &__fr_s_%s)) != 0)\n"
                   "        return __fr_rc;\n", n);
            if (!p->rule.string_inout)
                put(o, "    %s = __fr_s_%s;\n", n, n);
            break;
        case FRA_COPY_STRV:
            put(o, "    if ((__fr_rc = fr_arg_strings(__fr_cc, &__fr_sv_%s, &__fr_n_%s)) != 0)\n"
                   "        return __fr_rc;\n    %s = (__typeof__(%s))__fr_sv_%s;\n",
                n, n, n, n, n);
            break;
        case FRA_COPY_FD:
            /* FR_FD_KEEP: the duplicate outlives the call, the callee's to close. */
            put(o, "    if ((__fr_rc = fr_arg_fd%s(__fr_cc, &%s)) != 0)\n        return __fr_rc;\n",
                p->rule.keep ? "_keep" : "", n);
            break;
        case FRA_COPY_CALLBACK:
            put(o, "    if ((__fr_rc = fr_arg_callback(__fr_cc, &__fr_f_%s)) != 0)\n"
                   "        return __fr_rc;\n    %s = (__typeof__(%s))__fr_f_%s;\n",
                n, n, n, n);
            break;
        case FRA_COPY_OPAQUE:
            put(o, "    if ((__fr_rc = fr_arg_handle(__fr_cc, (void *)&%s, sizeof %s)) != 0)\n"
                   "        return __fr_rc;\n",
                n, n);
            break;
        case FRA_COPY_HANDLES:
            put(o, "    if ((__fr_rc = fr_arg_handles(__fr_cc, &__fr_h_%s, &__fr_n_%s, sizeof *%s, "
                   "%d)) != 0)\n        return __fr_rc;\n    %s = __fr_h_%s;\n",
                n, n, n, p->rule.dir != FRA_COPY_OUT, n, n);
            break;
        default:
            put(o, "    if ((__fr_rc = fr_arg_scalar(__fr_cc, (void *)&%s, sizeof %s)) != 0)\n"
                   "        return __fr_rc;\n",
                n, n);
            if (param_deep(m, p))
                put(o, "    if ((__fr_rc = __fr_argd_%s(__fr_cc, (void *)&%s, 1)) != 0)\n"
                       "        return __fr_rc;\n",
                    rk, n);
            break;
        }
    }
    /* Sizes are checked once every parameter they may name is known; one
     * that overflows here came from a count no caller could have sent. */
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);

        if (param_buf(p))
            put(o, "    if (%s || (__fr_b_%s && __fr_n_%s != __fr_len_%s))\n        return -EPROTO;\n",
                len_bytes(tmp, p, n), n, n, n);
        else if (p->rule.copy == FRA_COPY_STRV && p->rule.n)
            put(o, "    if (%s || (__fr_sv_%s && __fr_n_%s != __fr_len_%s))\n        return -EPROTO;\n",
                len_bytes(tmp, p, n), n, n, n);
        else if (param_handles(p))
            put(o, "    if (%s || (__fr_h_%s && __fr_n_%s != __fr_len_%s / sizeof *%s))\n"
                   "        return -EPROTO;\n",
                len_bytes(tmp, p, n), n, n, n, n);
        else if (p->rule.copy == FRA_COPY_STRING && p->rule.string_inout)
            put(o, "    if (%s)\n        return -EPROTO;\n"
                   "    if ((__fr_rc = fr_arg_strbuf(__fr_cc, &__fr_s_%s, __fr_len_%s)) != 0)\n"
                   "        return __fr_rc;\n    %s = __fr_s_%s;\n",
                len_bytes(tmp, p, n), n, n, n, n);
    }
    /* errno crosses the call as in the plain program: the function starts
     * with the caller's and hands back its own (fracture/abi.h) */
    put(o, "    fr_errno_enter(__fr_cc);\n");
    /* The value is declared where it is made: a struct with a const
     * member (struct cr { const int n; }) can be initialised, never
     * assigned. */
    put(o, "    %s%s%s(", has_ret ? local_type(tmp, &f->ret) : "", has_ret ? " __fr_ret = " : "",
        f->name);
    for (unsigned i = 0; i < f->nparams; i++)
        put(o, "%s%s", i ? ", " : "", pname(tmp, &f->params[i], i));
    put(o, ");\n    fr_errno_leave(__fr_cc, errno);\n");
    switch (rc) {
    case FRA_COPY_NONE:
        break;
    case FRA_COPY_STRING:
        if (f->ret_owned)
            put(o, "    if ((__fr_rc = fr_ret_owned(__fr_cc, (void *)__fr_ret)) != 0)\n"
                   "        return __fr_rc;\n");
        put(o, "    if ((__fr_rc = fr_ret_string(__fr_cc, __fr_ret)) != 0)\n        return __fr_rc;\n");
        break;
    case FRA_COPY_RET:
        if (f->ret_owned)
            put(o, "    if ((__fr_rc = fr_ret_owned(__fr_cc, (void *)__fr_ret)) != 0)\n"
                   "        return __fr_rc;\n");
        put(o, "    {\n        unsigned char __fr_has = __fr_ret != NULL;\n"
               "        if (FR_BYTES(%s, %s, &__fr_len_ret))\n            return -EPROTO;\n"
               "        if ((__fr_rc = fr_ret_scalar(__fr_cc, &__fr_has, 1)) != 0 ||\n",
            f->ret_rule.n, elem_size(tmp, &f->ret, "__fr_ret"));
        if (ret_handle_array(m, f))
            put(o, "            (__fr_has && (__fr_rc = fr_ret_handles(__fr_cc, __fr_ret, __fr_len_ret / "
                   "sizeof *__fr_ret, sizeof *__fr_ret)) != 0))\n            return __fr_rc;\n");
        else
            put(o, "            (__fr_has && (__fr_rc = fr_ret_buf(__fr_cc, __fr_ret, __fr_len_ret)) != 0))\n"
                   "            return __fr_rc;\n");
        if (!ret_handle_array(m, f) && (tidy = reply_tidy(tmp, m, f, NULL)))
            put(o, "        if (__fr_has && (__fr_rc = fr_ret_tidy(__fr_cc, %s, __fr_ret, "
                   "sizeof *__fr_ret)) != 0)\n            return __fr_rc;\n", tidy);
        if (ret_handles(m, f))
            put(o, "        if (__fr_has && (__fr_rc = __fr_retd_%s(__fr_cc, __fr_ret, __fr_len_ret / "
                   "sizeof *__fr_ret)) != 0)\n            return __fr_rc;\n",
                rec_id(tmp, m, f->ret.record));
        put(o, "    }\n");
        break;
    case FRA_COPY_FD:
        put(o, "    if ((__fr_rc = fr_ret_fd(__fr_cc, __fr_ret)) != 0)\n        return __fr_rc;\n");
        break;
    case FRA_COPY_OPAQUE:
        put(o, "    if ((__fr_rc = fr_ret_handle(__fr_cc, &__fr_ret, sizeof __fr_ret)) != 0)\n"
               "        return __fr_rc;\n");
        break;
    default:
        x87_tail(o, &f->ret, "__fr_ret", module_replicates(m, f->module));
        put(o, "    if ((__fr_rc = fr_ret_scalar(__fr_cc, &__fr_ret, sizeof __fr_ret)) != 0)\n"
               "        return __fr_rc;\n");
        if ((tidy = reply_tidy(tmp, m, f, NULL)))
            put(o, "    if ((__fr_rc = fr_ret_tidy(__fr_cc, %s, &__fr_ret, sizeof __fr_ret)) != 0)\n"
                   "        return __fr_rc;\n", tidy);
        if (ret_handles(m, f))
            put(o, "    if ((__fr_rc = __fr_retd_%s(__fr_cc, &__fr_ret, 1)) != 0)\n"
                   "        return __fr_rc;\n",
                rec_id(tmp, m, f->ret.record));
        break;
    }
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);
        const char *rk = p->type.record ? rec_id(tmp, m, p->type.record) : NULL;

        if (p->rule.copy == FRA_COPY_STRING && p->rule.string_inout) {
            put(o, "    if ((__fr_rc = fr_ret_strbuf(__fr_cc, %s, __fr_len_%s)) != 0)\n"
                   "        return __fr_rc;\n", n, n);
        } else if (p->rule.copy == FRA_COPY_INOUT || p->rule.copy == FRA_COPY_OUT) {
            put(o, "    if ((__fr_rc = fr_ret_buf(__fr_cc, %s%s, __fr_n_%s)) != 0)\n"
                   "        return __fr_rc;\n", volatile_cast(p), n, n);
            if ((tidy = reply_tidy(tmp, m, f, p)))
                put(o, "    if ((__fr_rc = fr_ret_tidy(__fr_cc, %s, %s%s, sizeof *%s)) != 0)\n"
                       "        return __fr_rc;\n", tidy, volatile_cast(p), n, n);
            if (param_deep(m, p) && record_replies(m, p->type.record, 0))
                put(o, "    if (%s && (__fr_rc = __fr_retd_%s(__fr_cc, %s, __fr_n_%s / sizeof *%s)) != 0)\n"
                       "        return __fr_rc;\n",
                    n, rk, n, n, n);
        } else if (param_handles(p) && p->rule.dir != FRA_COPY_IN) {
            put(o, "    if ((__fr_rc = fr_ret_handles(__fr_cc, %s, __fr_n_%s, sizeof *%s)) != 0)\n"
                   "        return __fr_rc;\n", n, n, n);
        }
    }
    put(o, "    return 0;\n}\n");
}

/* How parameter @p crosses, as struct fr_param's kind names it. */
static const char *param_kind(const struct fra_param *p)
{
    switch (p->rule.copy) {
    case FRA_COPY_SCALAR: case FRA_COPY_STRUCT: return "FR_P_SCALAR";
    case FRA_COPY_IN: return "FR_P_IN";
    case FRA_COPY_OUT: return "FR_P_OUT";
    case FRA_COPY_INOUT: return "FR_P_INOUT";
    case FRA_COPY_STRING: return "FR_P_STRING";
    case FRA_COPY_STRV: return "FR_P_STRINGS";
    case FRA_COPY_HANDLES: return "FR_P_HANDLES";
    case FRA_COPY_FD: return "FR_P_FD";
    case FRA_COPY_OPAQUE: return "FR_P_HANDLE";
    case FRA_COPY_CALLBACK: return "FR_P_CALLBACK";
    default: return "0";
    }
}

/* The size struct fr_param gives @p: of the value, or of one element of a
 * buffer; written over the parameter's type alone (no name is in scope). */
static const char *param_size(void *ctx, const struct fra_param *p)
{
    const char *t = local_type(ctx, &p->type);

    switch (p->rule.copy) {
    case FRA_COPY_SCALAR: case FRA_COPY_STRUCT: case FRA_COPY_OPAQUE: case FRA_COPY_FD:
        return talloc_asprintf(ctx, "sizeof(%s)", t);
    case FRA_COPY_IN: case FRA_COPY_OUT: case FRA_COPY_INOUT: case FRA_COPY_HANDLES:
        if (p->type.kind != FRA_T_PTR || p->type.pointee == FRA_P_FN)
            return "0";
        if (p->type.pointee == FRA_P_VOID)
            return "1";
        return talloc_asprintf(ctx, "sizeof *(%s)0", t);
    default:
        return "0";
    }
}

/* The parameters' descriptions (struct fr_param) of @f, when it has any:
 * what hooks read its arguments through. */
static void emit_params(struct fra_gen *g, struct out *o, const struct fra_func *f,
                        const char *mn, void *tmp)
{
    if (!f->nparams)
        return;
    put(o, "\nstatic const struct fr_param __fr_params_%s[] = {\n", mn);
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        int buf = p->rule.copy == FRA_COPY_IN || p->rule.copy == FRA_COPY_OUT ||
                  p->rule.copy == FRA_COPY_INOUT || param_handles(p);
        const char *count = p->rule.n ? c_str(tmp, p->rule.n) : buf ? "\"1\"" : "NULL";

        put(o, "    { %s, %s, %s, %s, %s },\n", c_str(tmp, p->name), param_kind(p),
            param_deep(g->m, p) ? "FR_PARAM_DEEP" : "0", param_size(tmp, p), count);
    }
    put(o, "};\n");
}

static void emit_entry(struct fra_gen *g, struct out *o, const struct fra_func *f, void *tmp)
{
    const char *mn = fra_gen_mangle(tmp, f);
    unsigned flags = 0;

    if (f->init)
        flags |= 1;
    if (f->callback)
        flags |= 2;
    emit_params(g, o, f, mn, tmp);
    put(o, "\nextern const struct fr_function __fr_fn_%s;\n"
           "const struct fr_function __fr_fn_%s = {\n"
           "    .name = \"%s\",\n    .module = %u, /* %s */\n    .flags = %s,\n"
           "    .dispatch = __fr_disp_%s,\n"
           "    .stub = (fr_fnptr)%s,\n    .impl = (fr_fnptr)%s,\n",
        mn, mn, f->name, fra_gen_module(g, f->module), f->module,
        flags == 0 ? "0" : flags == 1 ? "FR_FN_INIT" : flags == 2 ? "FR_FN_CALLBACK"
                                                                  : "FR_FN_INIT | FR_FN_CALLBACK",
        mn, fra_gen_stub_name(tmp, f), f->name);
    if (f->nparams)
        put(o, "    .params = __fr_params_%s,\n    .nparams = %u,\n", mn, f->nparams);
    put(o, "};\n");
}

/* FR_OUT on a record with pointers, or such records returned (FR_RET(n),
 * or one by value): nothing of the caller's could receive what the
 * callee's pointers reach (handles come back, each through the handle
 * calls), and their bytes would hand the caller the callee's addresses. */
static void check_out_records(struct fra_gen *g, const struct fra_func *f)
{
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        if (p->rule.copy == FRA_COPY_OUT && param_deep(g->m, p) &&
            !record_only_handles(g->m, p->type.record, 0))
            fra_model_error(g->m, &p->loc,
                            "use FR_INOUT(n): the callee then fills the caller's own buffers, "
                            "sized by the caller's counts",
                            "parameter '%s' of '%s' is FR_OUT but its struct holds pointers to copy",
                            p->name, f->name);
    }
    if (f->ret_rule.copy == FRA_COPY_RET && f->ret.record && record_deep(g->m, f->ret.record, 0) &&
        !record_only_handles(g->m, f->ret.record, 0))
        fra_model_error(g->m, &f->loc,
                        "return a handle (FR_RET_OPAQUE), or fill a caller's FR_INOUT buffer",
                        "'%s' returns structs that hold pointers to copy; FR_RET copies only "
                        "their bytes",
                        f->name);
    if (f->ret_rule.copy == FRA_COPY_STRUCT && f->ret.kind == FRA_T_RECORD &&
        record_deep(g->m, f->ret.record, 0) && !record_only_handles(g->m, f->ret.record, 0))
        fra_model_error(g->m, &f->loc,
                        "fill the caller's struct through a pointer parameter instead "
                        "(FR_INOUT: the callee fills the caller's own buffers), or return a "
                        "handle (FR_RET_OPAQUE)",
                        "'%s' returns '%s' by value, which holds pointers to copy: a returned "
                        "struct comes back with its bytes and its handles only",
                        f->name, f->ret.spelling);
}

int fra_emit_tu(struct fra_gen *g, const char *tu, char **text)
{
    struct fra_model *m = g->m;
    struct out o = {*text, 0};
    void *tmp = talloc_new(NULL);
    unsigned *need = talloc_zero_array(tmp, unsigned, m->nrecords + 1);
    unsigned char *tneed = talloc_zero_array(tmp, unsigned char, m->nrecords + 1);
    bool any = false;

    if (!tmp || !need || !tneed)
        return -ENOMEM;
    for (size_t i = 0; i < g->nfns; i++) {
        const struct fra_func *f = g->fns[i];
        if (strcmp(f->tu, tu) != 0)
            continue;
        any = true;
        for (unsigned k = 0; k < f->nparams; k++) {
            const struct fra_param *p = &f->params[k];
            if (!param_deep(m, p))
                continue;
            if (p->rule.copy != FRA_COPY_OUT)
                mark_record(m, p->type.record, need, H_REQ, 0);
            if (p->rule.copy == FRA_COPY_INOUT || p->rule.copy == FRA_COPY_OUT)
                mark_record(m, p->type.record, need, H_REP | H_GET, 0);
        }
        if (ret_handles(m, f))
            mark_record(m, f->ret.record, need, H_RET, 0);
        for (unsigned k = 0; k < f->nparams; k++)
            if (stub_tidy(tmp, m, &f->params[k]) || reply_tidy(tmp, m, f, &f->params[k]))
                mark_tidy(m, f->params[k].type.record, tneed);
        if (reply_tidy(tmp, m, f, NULL))
            mark_tidy(m, f->ret.record, tneed);
    }
    /* the FR_COUNT arrays of records the helpers send (count_tidy) */
    for (size_t k = 0; k < m->nrecords; k++)
        for (size_t i = 0; need[k] && i < m->records[k]->nfields; i++) {
            const struct fra_field *fl = &m->records[k]->fields[i];
            const struct fctx x = field_ctx(tmp, m, m->records[k], fl);
            if (count_tidy(tmp, m, fl, &x))
                mark_tidy(m, fl->type.record, tneed);
        }
    if (!any)
        goto out;
    put(&o, "\n#include <errno.h>\n#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n"
            "#include <fracture/abi.h>\n" FRA_ABI_CHECK);
    /* Each function's index in the module table is defined with the table
     * (fracture_app.c), so that adding a function renumbers nothing here. */
    for (size_t i = 0; i < g->nfns; i++)
        if (strcmp(g->fns[i]->tu, tu) == 0)
            put(&o, "extern const unsigned __fr_fnidx_%s;\n", fra_gen_mangle(tmp, g->fns[i]));
    for (size_t k = 0; k < m->nrecords; k++) {
        const char *id = rec_id(tmp, m, m->records[k]->key), *rn = m->records[k]->name;
        bool replies = record_replies(m, m->records[k]->key, 0);

        if (need[k] & H_REQ)
            put(&o, "static void __fr_putd_%s(struct fr_call *, const %s *, size_t);\n"
                    "static int __fr_argd_%s(struct fr_callee *, %s *, size_t);\n",
                id, rn, id, rn);
        if ((need[k] & (H_REP | H_RET)) && replies)
            put(&o, "static int __fr_retd_%s(struct fr_callee *, const %s *, size_t);\n"
                    "static void __fr_getd_%s(struct fr_call *, %s *, size_t);\n",
                id, rn, id, rn);
        if (need[k] & H_KEEP)
            put(&o, "static void __fr_keep_%s(%s *, const %s *);\n", id, rn, rn);
        if (need[k] & H_GET)
            put(&o, "static void __fr_get_%s(struct fr_call *, %s *, size_t);\n", id, rn);
    }
    for (size_t k = 0; k < m->nrecords; k++)
        if (tneed[k])
            put(&o, "static void __fr_tidy_%s(void *, const void *, size_t);\n",
                rec_id(tmp, m, m->records[k]->key));
    for (size_t k = 0; k < m->nrecords; k++)
        if (need[k])
            emit_record(g, &o, (int)k, need[k]);
    for (size_t k = 0; k < m->nrecords; k++)
        if (tneed[k])
            emit_tidy(g, &o, (int)k);
    for (size_t i = 0; i < g->nfns; i++) {
        const struct fra_func *f = g->fns[i];
        if (strcmp(f->tu, tu) != 0)
            continue;
        check_out_records(g, f);
        emit_stub(g, &o, f, tmp);
        emit_dispatch(g, &o, f, tmp);
        emit_entry(g, &o, f, tmp);
    }
out:
    talloc_free(tmp);
    *text = o.s;
    return o.err;
}
