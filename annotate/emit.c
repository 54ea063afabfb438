/*
 * emit.c - the code appended to a file that defines functions with stubs:
 * per function a caller stub (local fast path, marshal, invoke, unmarshal,
 * failure policy), a dispatcher (unmarshal into the call's arena, call the
 * implementation, marshal the reply), its table entry; and per record that
 * is copied deep, the helpers that walk its pointer fields.
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

enum fkind { F_NONE, F_COUNT, F_STRING, F_CALLBACK, F_SUB };

static bool record_deep(struct fra_model *m, const char *key, int depth);

static enum fkind field_kind(struct fra_model *m, const struct fra_field *f, int depth)
{
    if (f->type.kind == FRA_T_RECORD)
        return record_deep(m, f->type.record, depth + 1) ? F_SUB : F_NONE;
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

static int record_index(struct fra_model *m, const char *key)
{
    for (size_t i = 0; i < m->nrecords; i++)
        if (strcmp(m->records[i]->key, key) == 0)
            return (int)i;
    return -1;
}

/* The element size of what pointer type @t points to. */
static const char *elem_size(const struct fra_type *t, const char *ptr)
{
    static char buf[256];

    if (t->pointee == FRA_P_VOID)
        return "1";
    snprintf(buf, sizeof buf, "sizeof *(%s)", ptr);
    return buf;
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

static void sub_call(struct out *o, const struct fra_field *f, const char *fmt_head,
                     int sub)
{
    /* fmt_head: "__fr_putd_%d(__fr_c, " and the like */
    put(o, fmt_head, sub);
    if (f->array)
        put(o, "__fr_e->%s, sizeof __fr_e->%s / sizeof __fr_e->%s[0])", f->name, f->name,
            f->name);
    else
        put(o, "&__fr_e->%s, 1)", f->name);
}

/* The head of a record helper __fr_WHAT_K that walks the __fr_n records at
 * __fr_p, __fr_e the current one; @ctx is its call or callee parameter,
 * @cq "const " where it only reads the records. */
static void loop_head(struct out *o, const char *ret, const char *what, int k, const char *ctx,
                      const char *cq, const char *rec)
{
    const char *var = strrchr(ctx, '*') + 1;

    put(o, "\nstatic %s __fr_%s_%d(%s, %s%s *__fr_p, size_t __fr_n)\n"
           "{\n    for (size_t __fr_i = 0; __fr_i < __fr_n; __fr_i++) {\n"
           "        %s%s *__fr_e = &__fr_p[__fr_i];\n        (void)%s;\n        (void)__fr_e;\n",
        ret, what, k, ctx, cq, rec, cq, rec, var);
}

/* What every helper needs of field @f: its copy kind, "__fr_e->NAME" and
 * the index of its record type (-1: none). */
struct fctx {
    enum fkind fk;
    const char *ptr;
    int sub;
};

static struct fctx field_ctx(void *tmp, struct fra_model *m, const struct fra_field *f)
{
    return (struct fctx){ field_kind(m, f, 0), talloc_asprintf(tmp, "__fr_e->%s", f->name),
                          f->type.record ? record_index(m, f->type.record) : -1 };
}

/* One record's helpers.  putd/argd: the request side of every deep field;
 * retd/getd: the reply side of FR_COUNT fields (strings and callbacks go in
 * only); keep: the caller's own pointers back into a record that came home. */
static void emit_record(struct fra_gen *g, struct out *o, int k)
{
    struct fra_model *m = g->m;
    struct fra_record *r = m->records[k];
    void *tmp = talloc_new(NULL);

    /* putd */
    loop_head(o, "void", "putd", k, "struct fr_call *__fr_c", "const ", r->name);
    for (size_t i = 0; i < r->nfields; i++) {
        const struct fra_field *f = &r->fields[i];
        const struct fctx x = field_ctx(tmp, m, f);
        char *cnt;

        switch (x.fk) {
        case F_COUNT:
            cnt = count_expr(tmp, r, f);
            put(o, "        fr_put_in(__fr_c, __fr_e->%s, (size_t)(%s) * %s);\n", f->name, cnt,
                elem_size(&f->type, x.ptr));
            if (f->type.pointee == FRA_P_RECORD && record_deep(m, f->type.record, 0))
                put(o, "        if (__fr_e->%s)\n            __fr_putd_%d(__fr_c, __fr_e->%s, "
                       "(size_t)(%s));\n",
                    f->name, x.sub, f->name, cnt);
            break;
        case F_STRING:
            put(o, "        fr_put_string(__fr_c, __fr_e->%s);\n", f->name);
            break;
        case F_CALLBACK:
            put(o, "        fr_put_callback(__fr_c, (fr_fnptr)__fr_e->%s);\n", f->name);
            break;
        case F_SUB:
            put(o, "        ");
            sub_call(o, f, "__fr_putd_%d(__fr_c, ", x.sub);
            put(o, ";\n");
            break;
        case F_NONE:
            break;
        }
    }
    put(o, "    }\n}\n");

    /* argd */
    loop_head(o, "int", "argd", k, "struct fr_callee *__fr_cc", "", r->name);
    for (size_t i = 0; i < r->nfields; i++) {
        const struct fra_field *f = &r->fields[i];
        const struct fctx x = field_ctx(tmp, m, f);
        char *cnt;

        switch (x.fk) {
        case F_COUNT:
            cnt = count_expr(tmp, r, f);
            put(o, "        {\n            void *__fr_b;\n            size_t __fr_l;\n"
                   "            if (fr_arg_in(__fr_cc, &__fr_b, &__fr_l) ||\n"
                   "                (__fr_b && __fr_l != (size_t)(%s) * %s))\n"
                   "                return -EPROTO;\n"
                   "            __fr_e->%s = __fr_b;\n",
                cnt, elem_size(&f->type, x.ptr), f->name);
            if (f->type.pointee == FRA_P_RECORD && record_deep(m, f->type.record, 0))
                put(o, "            if (__fr_b && __fr_argd_%d(__fr_cc, __fr_b, (size_t)(%s)))\n"
                       "                return -EPROTO;\n",
                    x.sub, cnt);
            put(o, "        }\n");
            break;
        case F_STRING:
            put(o, "        {\n            char *__fr_s;\n"
                   "            if (fr_arg_string(__fr_cc, &__fr_s))\n"
                   "                return -EPROTO;\n"
                   "            __fr_e->%s = __fr_s;\n        }\n",
                f->name);
            break;
        case F_CALLBACK:
            put(o, "        {\n            fr_fnptr __fr_f;\n"
                   "            if (fr_arg_callback(__fr_cc, &__fr_f))\n"
                   "                return -EPROTO;\n"
                   "            __fr_e->%s = (__typeof__(__fr_e->%s))__fr_f;\n        }\n",
                f->name, f->name);
            break;
        case F_SUB:
            put(o, "        if (");
            sub_call(o, f, "__fr_argd_%d(__fr_cc, ", x.sub);
            put(o, ")\n            return -EPROTO;\n");
            break;
        case F_NONE:
            break;
        }
    }
    put(o, "    }\n    return 0;\n}\n");

    /* retd */
    loop_head(o, "int", "retd", k, "struct fr_callee *__fr_cc", "const ", r->name);
    for (size_t i = 0; i < r->nfields; i++) {
        const struct fra_field *f = &r->fields[i];
        const struct fctx x = field_ctx(tmp, m, f);

        if (x.fk == F_COUNT) {
            char *cnt = count_expr(tmp, r, f);
            bool deep = f->type.pointee == FRA_P_RECORD && record_deep(m, f->type.record, 0);
            put(o, "        if (fr_ret_buf(__fr_cc, __fr_e->%s, (size_t)(%s) * %s))\n"
                   "            return -ENOMEM;\n",
                f->name, cnt, elem_size(&f->type, x.ptr));
            if (deep)
                put(o, "        if (__fr_e->%s && __fr_retd_%d(__fr_cc, __fr_e->%s, (size_t)(%s)))\n"
                       "            return -ENOMEM;\n",
                    f->name, x.sub, f->name, cnt);
        } else if (x.fk == F_SUB) {
            put(o, "        if (");
            sub_call(o, f, "__fr_retd_%d(__fr_cc, ", x.sub);
            put(o, ")\n            return -ENOMEM;\n");
        }
    }
    put(o, "    }\n    return 0;\n}\n");

    /* keep: dst gets src's pointer fields, at every depth */
    put(o, "\nstatic void __fr_keep_%d(%s *__fr_d, const %s *__fr_e)\n{\n    (void)__fr_d;\n"
           "    (void)__fr_e;\n",
        k, r->name, r->name);
    for (size_t i = 0; i < r->nfields; i++) {
        const struct fra_field *f = &r->fields[i];
        const struct fctx x = field_ctx(tmp, m, f);

        if (x.fk == F_COUNT || x.fk == F_STRING || x.fk == F_CALLBACK)
            put(o, "    __fr_d->%s = __fr_e->%s;\n", f->name, f->name);
        else if (x.fk == F_SUB && f->array)
            put(o, "    for (size_t __fr_i = 0; __fr_i < sizeof __fr_e->%s / sizeof __fr_e->%s[0]; "
                   "__fr_i++)\n        __fr_keep_%d(&__fr_d->%s[__fr_i], &__fr_e->%s[__fr_i]);\n",
                f->name, f->name, x.sub, f->name, f->name);
        else if (x.fk == F_SUB)
            put(o, "    __fr_keep_%d(&__fr_d->%s, &__fr_e->%s);\n", x.sub, f->name, f->name);
    }
    put(o, "}\n");

    /* getd, then get: the whole array through a copy, so that the caller's
     * pointers survive the callee's bytes */
    loop_head(o, "void", "getd", k, "struct fr_call *__fr_c", "", r->name);
    for (size_t i = 0; i < r->nfields; i++) {
        const struct fra_field *f = &r->fields[i];
        const struct fctx x = field_ctx(tmp, m, f);

        if (x.fk == F_COUNT) {
            char *cnt = count_expr(tmp, r, f);
            if (f->type.pointee == FRA_P_RECORD && record_deep(m, f->type.record, 0))
                put(o, "        __fr_get_%d(__fr_c, __fr_e->%s, __fr_e->%s ? (size_t)(%s) : 0);\n",
                    x.sub, f->name, f->name, cnt);
            else
                put(o, "        fr_get_buf(__fr_c, __fr_e->%s, (size_t)(%s) * %s);\n", f->name,
                    cnt, elem_size(&f->type, x.ptr));
        } else if (x.fk == F_SUB) {
            put(o, "        ");
            sub_call(o, f, "__fr_getd_%d(__fr_c, ", x.sub);
            put(o, ";\n");
        }
    }
    put(o, "    }\n}\n");
    put(o, "\nstatic void __fr_get_%d(struct fr_call *__fr_c, %s *__fr_p, size_t __fr_n)\n"
           "{\n    %s *__fr_t = __fr_p ? malloc(__fr_n ? __fr_n * sizeof *__fr_t : 1) : NULL;\n\n"
           "    if (__fr_p && !__fr_t) {\n        if (!__fr_c->err)\n"
           "            __fr_c->err = -ENOMEM;\n        return;\n    }\n"
           "    fr_get_buf(__fr_c, __fr_t, __fr_n * sizeof *__fr_t);\n"
           "    __fr_getd_%d(__fr_c, __fr_p, __fr_p ? __fr_n : 0);\n"
           "    for (size_t __fr_i = 0; __fr_p && !__fr_c->err && __fr_i < __fr_n; __fr_i++) {\n"
           "        __fr_keep_%d(&__fr_t[__fr_i], &__fr_p[__fr_i]);\n"
           "        __fr_p[__fr_i] = __fr_t[__fr_i];\n    }\n"
           "    free(__fr_t);\n}\n",
        k, r->name, r->name, k, k);
    if (!r->name || strstr(r->name, "(unnamed") || strstr(r->name, "(anonymous"))
        fra_model_error(m, &r->fields[0].loc,
                        "give the struct a tag or a typedef name",
                        "an unnamed struct cannot be copied deep across modules");
    talloc_free(tmp);
}

/* Records reached deep from the parameters of functions defined in @tu. */
static void mark_record(struct fra_model *m, const char *key, bool *need, int depth)
{
    int k = key ? record_index(m, key) : -1;
    struct fra_record *r;

    if (k < 0 || need[k] || depth > 8 || !record_deep(m, key, 0))
        return;
    need[k] = true;
    r = m->records[k];
    for (size_t i = 0; i < r->nfields; i++)
        if (r->fields[i].type.record)
            mark_record(m, r->fields[i].type.record, need, depth + 1);
}

/* ---- one function --------------------------------------------------------- */

static const char *pname(void *ctx, const struct fra_param *p, unsigned i)
{
    return p->name && *p->name ? p->name : talloc_asprintf(ctx, "__fr_p%u", i);
}

/* The type of a local that receives a value of type @t: top-level const
 * dropped where the spelling shows it. */
static char *local_type(void *ctx, const struct fra_type *t)
{
    const char *s = t->spelling;
    size_t n = strlen(s);

    if (t->top_const) {
        if (strncmp(s, "const ", 6) == 0)
            return talloc_asprintf(ctx, "__typeof__(%s)", s + 6);
        if (n > 5 && strcmp(s + n - 5, "const") == 0)
            return talloc_asprintf(ctx, "__typeof__(%.*s)", (int)(n - 5), s);
    }
    return talloc_asprintf(ctx, "__typeof__(%s)", s);
}

static bool param_deep(struct fra_model *m, const struct fra_param *p)
{
    return p->type.record && (p->rule.copy == FRA_COPY_IN || p->rule.copy == FRA_COPY_INOUT ||
                              p->rule.copy == FRA_COPY_OUT || p->rule.copy == FRA_COPY_STRUCT) &&
           record_deep(m, p->type.record, 0);
}

/* Bytes of a buffer parameter: (n) * sizeof *p. */
static char *buf_bytes(void *ctx, const struct fra_param *p, const char *name)
{
    return talloc_asprintf(ctx, "(size_t)(%s) * %s", p->rule.n ? p->rule.n : "1",
                           p->type.pointee == FRA_P_VOID
                               ? "1"
                               : talloc_asprintf(ctx, "sizeof *(%s)", name));
}

static void emit_stub(struct fra_gen *g, struct out *o, const struct fra_func *f, int idx,
                      void *tmp)
{
    struct fra_model *m = g->m;
    const char *mn = fra_gen_mangle(tmp, f);
    unsigned mod = fra_gen_module(g, f->module);
    bool has_ret = f->ret_rule.copy != FRA_COPY_NONE;
    enum fra_copy rc = f->ret_rule.copy;
    bool fails = f->fail_value != NULL;

    (void)mn;
    put(o, "\n/* caller stub of %s() */\n%s%s %s(", f->name, f->internal ? "static " : "",
        has_ret ? talloc_asprintf(tmp, "__typeof__(%s)", f->ret.spelling) : "void",
        fra_gen_stub_name(tmp, f));
    for (unsigned i = 0; i < f->nparams; i++)
        put(o, "%s__typeof__(%s) %s", i ? ", " : "", f->params[i].type.spelling,
            pname(tmp, &f->params[i], i));
    put(o, "%s)\n{\n    struct fr_call __fr_c;\n", f->nparams ? "" : "void");
    if (has_ret)
        put(o, "    %s __fr_ret = {0};\n", local_type(tmp, &f->ret));
    /* The same FMP: the unfractured call, behind one predictable branch. */
    put(o, "\n    if (FR_LOCAL(%u)) {\n        %s%s(", mod, has_ret ? "return " : "", f->name);
    for (unsigned i = 0; i < f->nparams; i++)
        put(o, "%s%s", i ? ", " : "", pname(tmp, &f->params[i], i));
    put(o, ");%s\n    }\n", has_ret ? "" : "\n        return;");
    put(o, "    fr_call_begin(&__fr_c, %d);\n", idx);
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);
        int rk = p->type.record ? record_index(m, p->type.record) : -1;

        switch (p->rule.copy) {
        case FRA_COPY_IN:
            put(o, "    fr_put_in(&__fr_c, %s, %s);\n", n, buf_bytes(tmp, p, n));
            break;
        case FRA_COPY_OUT:
            put(o, "    fr_put_out(&__fr_c, %s, %s);\n", n, buf_bytes(tmp, p, n));
            break;
        case FRA_COPY_INOUT:
            put(o, "    fr_put_inout(&__fr_c, %s, %s);\n", n, buf_bytes(tmp, p, n));
            break;
        case FRA_COPY_STRING:
            put(o, "    fr_put_string(&__fr_c, %s);\n", n);
            break;
        case FRA_COPY_FD:
            put(o, "    fr_put_fd(&__fr_c, %s);\n", n);
            break;
        case FRA_COPY_CALLBACK:
            put(o, "    fr_put_callback(&__fr_c, (fr_fnptr)%s);\n", n);
            break;
        default:
            put(o, "    fr_put_scalar(&__fr_c, &%s, sizeof %s);\n", n, n);
            break;
        }
        if (param_deep(m, p)) {
            if (p->rule.copy == FRA_COPY_STRUCT)
                put(o, "    __fr_putd_%d(&__fr_c, &%s, 1);\n", rk, n);
            else if (p->rule.copy != FRA_COPY_OUT)
                put(o, "    if (%s)\n        __fr_putd_%d(&__fr_c, %s, (size_t)(%s));\n", n, rk, n,
                    p->rule.n);
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
               "            __fr_ret = malloc((size_t)(%s) * %s + 1);\n"
               "            if (!__fr_ret)\n                __fr_c.err = -ENOMEM;\n"
               "            fr_get_buf(&__fr_c, (void *)__fr_ret, (size_t)(%s) * %s);\n"
               "        }\n",
            f->ret_rule.n, elem_size(&f->ret, "__fr_ret"), f->ret_rule.n,
            elem_size(&f->ret, "__fr_ret"));
        break;
    case FRA_COPY_FD:
        put(o, "        fr_get_fd(&__fr_c, &__fr_ret);\n");
        break;
    default:
        put(o, "        fr_get_scalar(&__fr_c, &__fr_ret, sizeof __fr_ret);\n");
        break;
    }
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);
        int rk = p->type.record ? record_index(m, p->type.record) : -1;

        if (p->rule.copy == FRA_COPY_STRING && p->rule.string_inout)
            put(o, "        fr_get_strbuf(&__fr_c, %s, (size_t)(%s));\n", n, p->rule.n);
        else if ((p->rule.copy == FRA_COPY_INOUT || p->rule.copy == FRA_COPY_OUT) &&
                 param_deep(m, p))
            put(o, "        __fr_get_%d(&__fr_c, %s, %s ? (size_t)(%s) : 0);\n", rk, n, n,
                p->rule.n);
        else if (p->rule.copy == FRA_COPY_INOUT || p->rule.copy == FRA_COPY_OUT)
            put(o, "        fr_get_buf(&__fr_c, %s, %s);\n", n, buf_bytes(tmp, p, n));
    }
    put(o, "    }\n    if (fr_call_end(&__fr_c) < 0) {\n");
    if (rc == FRA_COPY_STRING || rc == FRA_COPY_RET)
        put(o, "        free((void *)__fr_ret);\n");
    if (fails)
        put(o, "        errno = %s;\n        return%s%s;\n    }\n", f->fail_errno,
            has_ret ? " " : "", has_ret ? f->fail_value : "");
    else
        put(o, "        fr_call_abort(&__fr_c);\n    }\n");
    if (rc == FRA_COPY_STRING && !f->ret_owned)
        put(o, "    if (__fr_ret)\n        __fr_ret = fr_keep(%d, (void *)__fr_ret, strlen(__fr_ret) + 1);\n",
            idx);
    else if (rc == FRA_COPY_RET && !f->ret_owned)
        put(o, "    if (__fr_ret)\n        __fr_ret = fr_keep(%d, (void *)__fr_ret, (size_t)(%s) * %s);\n",
            idx, f->ret_rule.n, elem_size(&f->ret, "__fr_ret"));
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

    put(o, "\n/* dispatcher of %s() */\nstatic int __fr_disp_%s(struct fr_callee *__fr_cc)\n{\n", f->name, mn);
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        put(o, "    %s %s;\n", local_type(tmp, &p->type), pname(tmp, p, i));
        if (p->rule.copy == FRA_COPY_IN || p->rule.copy == FRA_COPY_OUT ||
            p->rule.copy == FRA_COPY_INOUT)
            put(o, "    void *__fr_b%u;\n    size_t __fr_n%u;\n", i, i);
        else if (p->rule.copy == FRA_COPY_STRING)
            put(o, "    char *__fr_s%u;\n", i);
        else if (p->rule.copy == FRA_COPY_CALLBACK)
            put(o, "    fr_fnptr __fr_f%u;\n", i);
    }
    if (has_ret)
        put(o, "    %s __fr_ret;\n", local_type(tmp, &f->ret));
    put(o, "\n    (void)__fr_cc;\n");
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);
        int rk = p->type.record ? record_index(m, p->type.record) : -1;

        switch (p->rule.copy) {
        case FRA_COPY_IN:
        case FRA_COPY_INOUT:
            put(o, "    if (fr_arg_in(__fr_cc, &__fr_b%u, &__fr_n%u))\n        return -EPROTO;\n"
                   "    %s = __fr_b%u;\n",
                i, i, n, i);
            if (param_deep(m, p))
                put(o, "    if (__fr_b%u && __fr_argd_%d(__fr_cc, __fr_b%u, __fr_n%u / sizeof *%s))\n"
                       "        return -EPROTO;\n",
                    i, rk, i, i, n);
            break;
        case FRA_COPY_OUT:
            put(o, "    if (fr_arg_out(__fr_cc, &__fr_b%u, &__fr_n%u))\n        return -EPROTO;\n"
                   "    %s = __fr_b%u;\n",
                i, i, n, i);
            break;
        case FRA_COPY_STRING:
            put(o, "    if (fr_arg_string(__fr_cc, &__fr_s%u))\n        return -EPROTO;\n", i);
            if (!p->rule.string_inout)
                put(o, "    %s = __fr_s%u;\n", n, i);
            break;
        case FRA_COPY_FD:
            put(o, "    if (fr_arg_fd(__fr_cc, &%s))\n        return -EPROTO;\n", n);
            break;
        case FRA_COPY_CALLBACK:
            put(o, "    if (fr_arg_callback(__fr_cc, &__fr_f%u))\n        return -EPROTO;\n"
                   "    %s = (__typeof__(%s))__fr_f%u;\n",
                i, n, n, i);
            break;
        default:
            put(o, "    if (fr_arg_scalar(__fr_cc, (void *)&%s, sizeof %s))\n"
                   "        return -EPROTO;\n",
                n, n);
            if (param_deep(m, p))
                put(o, "    if (__fr_argd_%d(__fr_cc, (void *)&%s, 1))\n        return -EPROTO;\n",
                    rk, n);
            break;
        }
    }
    /* Sizes are checked once every parameter they may name is known. */
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);

        if (p->rule.copy == FRA_COPY_IN || p->rule.copy == FRA_COPY_OUT ||
            p->rule.copy == FRA_COPY_INOUT)
            put(o, "    if (__fr_b%u && __fr_n%u != %s)\n        return -EPROTO;\n", i, i,
                buf_bytes(tmp, p, n));
        if (p->rule.copy == FRA_COPY_STRING && p->rule.string_inout)
            put(o, "    if (fr_arg_strbuf(__fr_cc, &__fr_s%u, (size_t)(%s)))\n"
                   "        return -EPROTO;\n    %s = __fr_s%u;\n",
                i, p->rule.n, n, i);
    }
    put(o, "    %s%s(", has_ret ? "__fr_ret = " : "", f->name);
    for (unsigned i = 0; i < f->nparams; i++)
        put(o, "%s%s", i ? ", " : "", pname(tmp, &f->params[i], i));
    put(o, ");\n");
    switch (rc) {
    case FRA_COPY_NONE:
        break;
    case FRA_COPY_STRING:
        if (f->ret_owned)
            put(o, "    if (fr_ret_owned(__fr_cc, (void *)__fr_ret))\n        return -ENOMEM;\n");
        put(o, "    if (fr_ret_string(__fr_cc, __fr_ret))\n        return -ENOMEM;\n");
        break;
    case FRA_COPY_RET:
        if (f->ret_owned)
            put(o, "    if (fr_ret_owned(__fr_cc, (void *)__fr_ret))\n        return -ENOMEM;\n");
        put(o, "    {\n        unsigned char __fr_has = __fr_ret != NULL;\n"
               "        if (fr_ret_scalar(__fr_cc, &__fr_has, 1) ||\n"
               "            (__fr_has && fr_ret_buf(__fr_cc, __fr_ret, (size_t)(%s) * %s)))\n"
               "            return -ENOMEM;\n    }\n",
            f->ret_rule.n, elem_size(&f->ret, "__fr_ret"));
        break;
    case FRA_COPY_FD:
        put(o, "    if (fr_ret_fd(__fr_cc, __fr_ret))\n        return -ENOMEM;\n");
        break;
    default:
        put(o, "    if (fr_ret_scalar(__fr_cc, &__fr_ret, sizeof __fr_ret))\n        return -ENOMEM;\n");
        break;
    }
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const char *n = pname(tmp, p, i);
        int rk = p->type.record ? record_index(m, p->type.record) : -1;

        if (p->rule.copy == FRA_COPY_STRING && p->rule.string_inout) {
            put(o, "    if (fr_ret_strbuf(__fr_cc, %s, (size_t)(%s)))\n        return -ENOMEM;\n",
                n, p->rule.n);
        } else if (p->rule.copy == FRA_COPY_INOUT || p->rule.copy == FRA_COPY_OUT) {
            put(o, "    if (fr_ret_buf(__fr_cc, %s, __fr_n%u))\n        return -ENOMEM;\n", n, i);
            if (param_deep(m, p))
                put(o, "    if (%s && __fr_retd_%d(__fr_cc, %s, __fr_n%u / sizeof *%s))\n"
                       "        return -ENOMEM;\n",
                    n, rk, n, i, n);
        }
    }
    put(o, "    return 0;\n}\n");
}

static void emit_entry(struct fra_gen *g, struct out *o, const struct fra_func *f, void *tmp)
{
    const char *mn = fra_gen_mangle(tmp, f);
    unsigned flags = 0;

    if (f->init)
        flags |= 1;
    if (f->callback)
        flags |= 2;
    put(o, "\nextern const struct fr_function __fr_fn_%s;\n"
           "const struct fr_function __fr_fn_%s = {\n    \"%s\", %u, %s, __fr_disp_%s,\n"
           "    (fr_fnptr)%s, (fr_fnptr)%s,\n};\n",
        mn, mn, f->name, fra_gen_module(g, f->module),
        flags == 0 ? "0" : flags == 1 ? "FR_FN_INIT" : flags == 2 ? "FR_FN_CALLBACK"
                                                                  : "FR_FN_INIT | FR_FN_CALLBACK",
        mn, fra_gen_stub_name(tmp, f), f->name);
}

/* FR_OUT on a record with pointers: nothing of the caller's could receive
 * what the callee's pointers reach. */
static void check_out_records(struct fra_gen *g, const struct fra_func *f)
{
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        if (p->rule.copy == FRA_COPY_OUT && param_deep(g->m, p))
            fra_model_error(g->m, &p->loc,
                            "use FR_INOUT(n): the callee then fills the caller's own buffers, "
                            "sized by the caller's counts",
                            "parameter '%s' of '%s' is FR_OUT but its struct holds pointers to copy",
                            p->name, f->name);
    }
    if (f->ret_rule.copy == FRA_COPY_RET && f->ret.record && record_deep(g->m, f->ret.record, 0))
        fra_model_error(g->m, &f->loc,
                        "return a handle (FR_RET_OPAQUE), or fill a caller's FR_INOUT buffer",
                        "'%s' returns structs that hold pointers to copy; FR_RET copies only "
                        "their bytes",
                        f->name);
}

int fra_emit_tu(struct fra_gen *g, const char *tu, char **text)
{
    struct fra_model *m = g->m;
    struct out o = {*text, 0};
    void *tmp = talloc_new(NULL);
    bool *need = talloc_zero_array(tmp, bool, m->nrecords + 1);
    bool any = false;

    if (!tmp || !need)
        return -ENOMEM;
    for (size_t i = 0; i < g->nfns; i++) {
        const struct fra_func *f = g->fns[i];
        if (strcmp(f->tu, tu) != 0)
            continue;
        any = true;
        for (unsigned k = 0; k < f->nparams; k++)
            if (param_deep(m, &f->params[k]))
                mark_record(m, f->params[k].type.record, need, 0);
    }
    if (!any)
        goto out;
    put(&o, "\n#include <errno.h>\n#include <stdint.h>\n#include <stdlib.h>\n#include <string.h>\n"
            "#include <fracture/abi.h>\n" FRA_ABI_CHECK);
    for (size_t k = 0; k < m->nrecords; k++)
        if (need[k])
            put(&o,
                "__attribute__((unused)) static void __fr_putd_%zu(struct fr_call *, const %s *, size_t);\n"
                "__attribute__((unused)) static int __fr_argd_%zu(struct fr_callee *, %s *, size_t);\n"
                "__attribute__((unused)) static int __fr_retd_%zu(struct fr_callee *, const %s *, size_t);\n"
                "__attribute__((unused)) static void __fr_keep_%zu(%s *, const %s *);\n"
                "__attribute__((unused)) static void __fr_getd_%zu(struct fr_call *, %s *, size_t);\n"
                "__attribute__((unused)) static void __fr_get_%zu(struct fr_call *, %s *, size_t);\n",
                k, m->records[k]->name, k, m->records[k]->name, k, m->records[k]->name, k,
                m->records[k]->name, m->records[k]->name, k, m->records[k]->name, k,
                m->records[k]->name);
    for (size_t k = 0; k < m->nrecords; k++)
        if (need[k])
            emit_record(g, &o, (int)k);
    for (size_t i = 0; i < g->nfns; i++) {
        const struct fra_func *f = g->fns[i];
        if (strcmp(f->tu, tu) != 0)
            continue;
        check_out_records(g, f);
        emit_stub(g, &o, f, (int)i, tmp);
        emit_dispatch(g, &o, f, tmp);
        emit_entry(g, &o, f, tmp);
    }
out:
    talloc_free(tmp);
    *text = o.s;
    return o.err;
}
