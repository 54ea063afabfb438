/*
 * infer.c - the copy rule of every parameter and return value (DESIGN,
 * "Annotations": inference), and the errors for values whose copy cannot
 * be inferred.  Rules are computed for every function so that the manifest
 * shows them; errors are reported only for functions whose arguments
 * actually cross modules (called from another module, or callbacks).
 */
#include "passes.h"

#include <string.h>
#include <talloc.h>

#include "annot.h"

#define MAX_DEPTH 8           /* records nested by value deeper are not checked */

void fra_check_expr(struct fra_model *m, const struct fra_loc *loc, const char *ann,
                    const char *expr, const char *const *siblings, size_t nsiblings,
                    const char *what)
{
    void *tmp = talloc_new(m->ctx);
    char **ids;
    size_t n;

    if (fra_expr_idents(tmp, expr, &ids, &n) < 0)
        goto out;
    for (size_t i = 0; i < n; i++) {
        bool ok = fra_model_has_name(m, ids[i]);
        for (size_t k = 0; k < nsiblings && !ok; k++)
            ok = strcmp(siblings[k], ids[i]) == 0;
        if (ok)
            continue;
        const char *s = fr__suggest(ids[i], siblings, nsiblings);
        fra_model_error(m, loc,
                        s ? talloc_asprintf(tmp, "did you mean '%s'?", s)
                          : talloc_asprintf(tmp, "the count may use %s, constants and sizeof",
                                            what),
                        "'%s' in %s is not %s", ids[i], ann, what);
    }
out:
    talloc_free(tmp);
}

static bool field_has_rule(const struct fra_field *f)
{
    return fra_anns_find(&f->ann, "count") || fra_anns_find(&f->ann, "string") ||
           fra_anns_find(&f->ann, "opaque") || fra_anns_find(&f->ann, "callback");
}

static bool record_has_pointer(struct fra_model *m, const char *key, int depth)
{
    struct fra_record *r = key ? fra_model_record(m, key) : NULL;

    if (!r || depth > MAX_DEPTH)
        return false;
    for (size_t i = 0; i < r->nfields; i++) {
        const struct fra_field *f = &r->fields[i];
        if (f->type.kind == FRA_T_PTR)
            return true;
        if (f->type.kind == FRA_T_RECORD && record_has_pointer(m, f->type.record, depth + 1))
            return true;
    }
    return false;
}

/* A record copied deep: every pointer in it needs a rule of its own.
 * Errors stand on the field, where the annotation goes. */
static void check_record(struct fra_model *m, const char *key, const struct fra_loc *use,
                         const char *use_name, int depth)
{
    struct fra_record *r = key ? fra_model_record(m, key) : NULL;

    if (!r || depth > MAX_DEPTH)
        return;
    if (r->system) {
        /* Nobody can annotate libc's structs: say so where it is used. */
        if (record_has_pointer(m, key, 0))
            fra_model_error(m, use, "add FR_OPAQUE: only one module may dereference it",
                            "%s is '%s', a system type holding pointers, which cannot be copied",
                            use_name, r->name);
        return;
    }
    const char **sib = talloc_array(m->ctx, const char *, r->nfields + 1);
    for (size_t i = 0; sib && i < r->nfields; i++)
        sib[i] = r->fields[i].name;
    for (size_t i = 0; i < r->nfields; i++) {
        const struct fra_field *f = &r->fields[i];
        const char *count = fra_anns_find(&f->ann, "count");

        if (count && sib)
            fra_check_expr(m, &f->loc, talloc_asprintf(m->ctx, "FR_COUNT(%s)", count), count,
                           sib, r->nfields, "a field of the same struct");
        if (f->type.kind == FRA_T_RECORD) {
            check_record(m, f->type.record, &f->loc, f->name, depth + 1);
            continue;
        }
        if (f->type.kind != FRA_T_PTR)
            continue;
        if (!field_has_rule(f)) {
            fra_model_error(m, &f->loc,
                            f->type.pointee == FRA_P_FN
                                ? "a function pointer crosses modules only as an FR_CALLBACK; "
                                  "or make the struct FR_OPAQUE where it is passed"
                                : "add FR_COUNT(n) with n a sibling field, FR_STRING, or "
                                  "FR_OPAQUE",
                            "field '%s' of '%s' is a pointer with no copy rule, and '%s' is "
                            "copied across modules",
                            f->name, r->name, r->name);
            continue;
        }
        if (count && f->type.pointee == FRA_P_RECORD)
            check_record(m, f->type.record, &f->loc, f->name, depth + 1);
    }
    talloc_free(sib);
}

/* Whether @t is a pointer to string pointers (char **, const char *const *,
 * ...), read from its spelling: a typedef'd element stays an error. */
static bool strv_type(const struct fra_type *t)
{
    static const char *const quals[] = {"const", "volatile", "restrict"};
    char bare[64];
    size_t n = 0;

    if (t->kind != FRA_T_PTR || t->pointee != FRA_P_PTR)
        return false;
    for (const char *p = t->spelling; *p && n < sizeof bare - 1;) {
        bool skipped = false;
        if (*p == ' ') {
            p++;
            continue;
        }
        for (size_t q = 0; q < sizeof quals / sizeof *quals && !skipped; q++) {
            size_t l = strlen(quals[q]);
            if (strncmp(p, quals[q], l) == 0 && (p[l] == ' ' || p[l] == '*' || !p[l])) {
                p += l;
                skipped = true;
            }
        }
        if (!skipped)
            bare[n++] = *p++;
    }
    bare[n] = '\0';
    return strcmp(bare, "char**") == 0;
}

static const char *param_hint(const struct fra_param *p)
{
    switch (p->type.pointee) {
    case FRA_P_VOID:
        return "add FR_IN(n), FR_OUT(n) or FR_INOUT(n) with n the size in bytes, or FR_OPAQUE "
               "for a handle";
    case FRA_P_CHAR:
        return "add FR_STRING for a NUL-terminated string, or FR_IN(n)/FR_OUT(n)/FR_INOUT(n) "
               "for a buffer of n chars";
    case FRA_P_PTR:
        if (strv_type(&p->type))
            return "for an array of strings add FR_IN(n) (n strings) or FR_STRING (up to a NULL "
                   "element, as argv); a char * the callee sets through it cannot be copied "
                   "back: return it (FR_RET_STRING) or an offset instead";
        return "what the pointers point to cannot be copied through them: pass the elements "
               "themselves (an array of structs with FR_IN(n)), or one handle to them "
               "(FR_OPAQUE) that only their module dereferences";
    case FRA_P_FN:
        return "add FR_CALLBACK so that calls through it run in the FMP of its module";
    default:
        return "add FR_IN(n), FR_OUT(n), FR_INOUT(n) or FR_OPAQUE";
    }
}

static void set(struct fra_rule *r, enum fra_copy c, const char *n, bool inferred)
{
    r->copy = c;
    r->n = n;
    r->inferred = inferred;
}

static void param_rule(struct fra_model *m, struct fra_func *f, struct fra_param *p,
                       const char *const *sib, bool report)
{
    const struct fra_anns *a = &p->ann;
    const char *in = fra_anns_find(a, "in"), *out = fra_anns_find(a, "out"),
               *inout = fra_anns_find(a, "inout");
    const char *pname = p->name && *p->name ? p->name : "(unnamed)";
    const char *n = in ? in : out ? out : inout;
    struct fra_rule *r = &p->rule;

    if (n && strv_type(&p->type)) {
        set(r, FRA_COPY_STRV, n, false);
        if (!report)
            return;
        fra_check_expr(m, &p->loc,
                       talloc_asprintf(m->ctx, "%s(%s)", in ? "FR_IN" : out ? "FR_OUT" : "FR_INOUT", n),
                       n, sib, f->nparams, "a parameter of the function");
        if (!in)
            fra_model_error(m, &p->loc,
                            "arrays of strings go in only (FR_IN(n), or FR_STRING up to a NULL "
                            "element); return new strings (FR_RET_STRING) or fill a char buffer "
                            "(FR_OUT(n) on a char *) instead",
                            "parameter '%s' of '%s' is %s on an array of strings, which cannot be "
                            "copied back",
                            pname, f->name, out ? "FR_OUT" : "FR_INOUT");
        return;
    }
    if (n) {
        set(r, in ? FRA_COPY_IN : out ? FRA_COPY_OUT : FRA_COPY_INOUT, n, false);
        if (fra_anns_find(a, "string")) {
            r->copy = FRA_COPY_STRING;
            r->string_inout = true;
        }
        if (!report)
            return;
        fra_check_expr(m, &p->loc,
                       talloc_asprintf(m->ctx, "%s(%s)", in ? "FR_IN" : out ? "FR_OUT" : "FR_INOUT", n),
                       n, sib, f->nparams, "a parameter of the function");
        if (p->type.kind != FRA_T_PTR)
            fra_model_error(m, &p->loc, "copy annotations go on pointer parameters",
                            "parameter '%s' of '%s' is annotated %s but is not a pointer", pname,
                            f->name, in ? "FR_IN" : out ? "FR_OUT" : "FR_INOUT");
        else if (p->type.pointee == FRA_P_RECORD)
            check_record(m, p->type.record, &p->loc, pname, 0);
        else if (p->type.pointee == FRA_P_PTR)
            fra_model_error(m, &p->loc, param_hint(p),
                            "parameter '%s' of '%s' is %s on pointers to pointers: the pointers "
                            "would be copied, not what they point to",
                            pname, f->name, in ? "FR_IN" : out ? "FR_OUT" : "FR_INOUT");
        return;
    }
    if (fra_anns_find(a, "string") && strv_type(&p->type)) {
        set(r, FRA_COPY_STRV, NULL, false);
        return;
    }
    if (fra_anns_find(a, "string")) {
        set(r, FRA_COPY_STRING, NULL, false);
        if (report && (p->type.kind != FRA_T_PTR || p->type.pointee != FRA_P_CHAR))
            fra_model_error(m, &p->loc,
                            "FR_STRING goes on a char * (a string) or a char ** (strings up to "
                            "a NULL element)",
                            "parameter '%s' of '%s' is FR_STRING but its type is '%s'", pname,
                            f->name, p->type.spelling);
        return;
    }
    if (fra_anns_find(a, "opaque")) {
        set(r, FRA_COPY_OPAQUE, NULL, false);
        return;
    }
    if (fra_anns_find(a, "callback")) {
        set(r, FRA_COPY_CALLBACK, NULL, false);
        if (report && (p->type.kind != FRA_T_PTR || p->type.pointee != FRA_P_FN))
            fra_model_error(m, &p->loc, "FR_CALLBACK goes on a function pointer",
                            "parameter '%s' of '%s' is FR_CALLBACK but its type is '%s'", pname,
                            f->name, p->type.spelling);
        return;
    }
    if (fra_anns_find(a, "fd") || fra_anns_find(a, "fd-keep")) {
        bool keep = fra_anns_find(a, "fd-keep") != NULL;
        set(r, FRA_COPY_FD, NULL, false);
        r->keep = keep;
        if (report && !p->type.integer)
            fra_model_error(m, &p->loc,
                            keep ? "FR_FD_KEEP goes on an int file descriptor"
                                 : "FR_FD goes on an int file descriptor",
                            "parameter '%s' of '%s' is %s but its type is '%s'", pname, f->name,
                            keep ? "FR_FD_KEEP" : "FR_FD", p->type.spelling);
        return;
    }

    switch (p->type.kind) {
    case FRA_T_SCALAR:
    case FRA_T_OTHER:
    case FRA_T_VOID:
        set(r, FRA_COPY_SCALAR, NULL, true);
        return;
    case FRA_T_RECORD:
        set(r, FRA_COPY_STRUCT, NULL, true);
        if (report)
            check_record(m, p->type.record, &p->loc, pname, 0);
        return;
    case FRA_T_PTR:
        break;
    }
    if (p->type.pointee_incomplete) {
        set(r, FRA_COPY_OPAQUE, NULL, true);
        return;
    }
    switch (p->type.pointee) {
    case FRA_P_CHAR:
        if (p->type.pointee_const) {
            set(r, FRA_COPY_STRING, NULL, true);
            return;
        }
        break;
    case FRA_P_RECORD:
    case FRA_P_SCALAR:
        if (p->type.array_param) {
            /* "int v[4]" holds 4; "int m[][3]" says nothing of its rows */
            set(r, p->type.pointee_const ? FRA_COPY_IN : FRA_COPY_INOUT,
                p->type.array_len ? talloc_asprintf(m->ctx, "%llu", p->type.array_len) : NULL,
                true);
            if (!p->type.array_len) {
                r->copy = FRA_COPY_UNKNOWN;
                if (report)
                    fra_model_error(m, &p->loc,
                                    "add FR_IN(n) or FR_INOUT(n) with n the parameter that counts "
                                    "its elements",
                                    "cannot size array parameter '%s' of '%s' (%s) across modules",
                                    pname, f->name, p->type.spelling);
                return;
            }
        } else {
            set(r, p->type.pointee_const ? FRA_COPY_IN : FRA_COPY_INOUT, "1", true);
        }
        if (report && p->type.pointee == FRA_P_RECORD)
            check_record(m, p->type.record, &p->loc, pname, 0);
        return;
    default:
        break;
    }
    set(r, FRA_COPY_UNKNOWN, NULL, true);
    if (!report)
        return;
    if (p->type.pointee == FRA_P_FN)
        fra_model_error(m, &p->loc, param_hint(p),
                        "parameter '%s' of '%s' is a function pointer without FR_CALLBACK: "
                        "calls through it would cross modules unannotated",
                        pname, f->name);
    else
        fra_model_error(m, &p->loc, param_hint(p),
                        "cannot infer how to copy parameter '%s' of '%s' (%s) across modules",
                        pname, f->name, p->type.spelling);
}

static void ret_rule(struct fra_model *m, struct fra_func *f, const char *const *sib,
                     bool report)
{
    struct fra_rule *r = &f->ret_rule;
    const char *n = fra_anns_find(&f->ann, "ret");

    if (fra_anns_find(&f->ann, "ret-fd")) {
        set(r, FRA_COPY_FD, NULL, false);
        return;
    }
    if (n) {
        set(r, FRA_COPY_RET, n, false);
        if (report)
            fra_check_expr(m, &f->loc, talloc_asprintf(m->ctx, "FR_RET(%s)", n), n, sib,
                           f->nparams, "a parameter of the function");
        if (report && f->ret.pointee == FRA_P_RECORD)
            check_record(m, f->ret.record, &f->loc, "the return value", 0);
        return;
    }
    if (fra_anns_find(&f->ann, "ret-string")) {
        set(r, FRA_COPY_STRING, NULL, false);
        return;
    }
    if (fra_anns_find(&f->ann, "ret-opaque")) {
        set(r, FRA_COPY_OPAQUE, NULL, false);
        return;
    }
    switch (f->ret.kind) {
    case FRA_T_VOID:
        set(r, FRA_COPY_NONE, NULL, true);
        return;
    case FRA_T_RECORD:
        set(r, FRA_COPY_STRUCT, NULL, true);
        if (report)
            check_record(m, f->ret.record, &f->loc, "the return value", 0);
        return;
    case FRA_T_PTR:
        break;
    default:
        set(r, FRA_COPY_SCALAR, NULL, true);
        return;
    }
    if (f->ret.pointee_incomplete) {
        set(r, FRA_COPY_OPAQUE, NULL, true);
        return;
    }
    if (f->ret.pointee == FRA_P_CHAR && f->ret.pointee_const) {
        set(r, FRA_COPY_STRING, NULL, true);
        return;
    }
    set(r, FRA_COPY_UNKNOWN, NULL, true);
    if (report)
        fra_model_error(m, &f->loc,
                        f->ret.pointee == FRA_P_FN
                            ? "function pointers cross modules only as FR_CALLBACK parameters"
                        : f->ret.pointee == FRA_P_CHAR
                            ? "add FR_RET_STRING (and FR_RET_OWNED if the caller frees it)"
                            : "add FR_RET(n) with n the number of elements, or FR_RET_OPAQUE "
                              "for a handle (and FR_RET_OWNED if the caller frees it)",
                        "cannot infer how to copy the pointer returned by '%s' (%s) across "
                        "modules",
                        f->name, f->ret.spelling);
}

void fra_infer(struct fra_model *m)
{
    for (size_t i = 0; i < m->nfuncs; i++) {
        struct fra_func *f = m->funcs[i];
        bool report = f->defined && (f->cross || f->callback);
        const char **sib = talloc_array(m->ctx, const char *, f->nparams + 1);

        if (!sib)
            return;
        for (unsigned p = 0; p < f->nparams; p++)
            sib[p] = f->params[p].name;
        for (unsigned p = 0; p < f->nparams; p++)
            param_rule(m, f, &f->params[p], sib, report);
        ret_rule(m, f, sib, report);
        talloc_free(sib);
    }
}
