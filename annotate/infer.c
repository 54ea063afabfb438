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

/* @what carries an annotation @how that copies a FRACTURE_OPAQUE type. */
static void opaque_conflict(struct fra_model *m, const struct fra_loc *loc, const char *what,
                            const char *how, const struct fra_opaque *op)
{
    fra_model_error(m, loc,
                    talloc_asprintf(m->ctx,
                                    "a pointer to '%s' is a handle everywhere: drop the "
                                    "annotation, or remove the FRACTURE_OPAQUE",
                                    op->name),
                    "%s is annotated %s, but FRACTURE_OPAQUE(%s) at %s makes it a handle", what,
                    how, op->name, fra_loc_str(m->ctx, &op->loc));
}

/* Whether the count expression @expr names @name (its own parameter). */
static bool names_itself(void *ctx, const char *expr, const char *name)
{
    char **ids;
    size_t n;
    bool found = false;

    if (!name || !*name || fra_expr_idents(ctx, expr, &ids, &n) < 0)
        return false;
    for (size_t i = 0; i < n && !found; i++)
        found = strcmp(ids[i], name) == 0;
    talloc_free(ids);
    return found;
}

/* A pointer to a FRACTURE_OPAQUE record is a handle wherever it crosses. */
/* The record a value points to, or NULL. */
static const char *record_pointee(const struct fra_type *t)
{
    return t->kind == FRA_T_PTR && t->pointee == FRA_P_RECORD ? t->record : NULL;
}

static const struct fra_opaque *opaque_of(const struct fra_model *m, const struct fra_type *t)
{
    return fra_model_opaque(m, record_pointee(t));
}

/* Whether @t is T ** (or T *const *) with T * a handle: an incomplete
 * record, or a FRACTURE_OPAQUE one. */
static bool handles_type(const struct fra_model *m, const struct fra_type *t)
{
    return t->kind == FRA_T_PTR && t->pointee == FRA_P_PTR && t->inner_record &&
           (t->inner_incomplete || fra_model_opaque(m, t->inner_record));
}

static bool field_has_rule(const struct fra_model *m, const struct fra_field *f)
{
    return fra_anns_find(&f->ann, "count") || fra_anns_find(&f->ann, "string") ||
           fra_anns_find(&f->ann, "opaque") || fra_anns_find(&f->ann, "callback") ||
           (opaque_of(m, &f->type) && !f->array);
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
    /* A copy holds the record's size, never its elements: a system
     * struct's (struct inotify_event's name[]) no less than a program's. */
    for (size_t i = 0; i < r->nfields; i++)
        if (r->fields[i].flexible)
            fra_model_error(m, use,
                            talloc_asprintf(m->ctx,
                                            "pass the elements as a parameter of their own "
                                            "(FR_IN(n)), or make '%s' a handle "
                                            "(FRACTURE_OPAQUE(%s)) that only its module reads",
                                            r->name, r->name),
                            "%s is '%s', which ends in the flexible array member '%s' (at %s): "
                            "a copy would hold only its header",
                            use_name, r->name, r->fields[i].name,
                            fra_loc_str(m->ctx, &r->fields[i].loc));
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
        if (count && names_itself(m->ctx, count, f->name))
            fra_model_error(m, &f->loc, "count the elements in a sibling field",
                            "the count FR_COUNT(%s) of field '%s' of '%s' names '%s' itself",
                            count, f->name, r->name, f->name);
        if (f->flexible)
            continue;         /* refused above */
        if (f->type.kind == FRA_T_RECORD) {
            check_record(m, f->type.record, &f->loc, f->name, depth + 1);
            continue;
        }
        if (f->type.kind != FRA_T_PTR)
            continue;
        if (!field_has_rule(m, f)) {
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
        /* A handle travels through the runtime's handle calls, which tag
         * and check it; a union's bytes go as they are, whichever member
         * they hold, so a handle in one would reach its owner tagged. */
        if (f->shared && (fra_anns_find(&f->ann, "opaque") || opaque_of(m, &f->type))) {
            fra_model_error(m, &f->loc,
                            r->is_union
                                ? "pass the handle as a parameter or in a struct field of its "
                                  "own, or make the union FR_OPAQUE where it is passed"
                                : "pass the handle as a parameter or in a struct field of its "
                                  "own, outside the anonymous union, or make the struct "
                                  "FR_OPAQUE where it is passed",
                            "field '%s' of '%s' is a handle inside a union, whose bytes cross "
                            "as they are",
                            f->name, r->name);
            continue;
        }
        /* FR_COUNT copies the elements' bytes: pointers among them would
         * reach the other FMP as addresses of this one */
        if (count && f->type.pointee == FRA_P_PTR) {
            fra_model_error(m, &f->loc,
                            handles_type(m, &f->type)
                                ? "pass the array of handles as a parameter of its own "
                                  "(FR_IN(n) on a T *const *), or hold them in an array field "
                                  "of fixed size (T *items[4]), whose elements cross as handles"
                                : "count the elements themselves (FR_COUNT(n) on an array of "
                                  "structs), or pass the array as a parameter of its own",
                            "field '%s' of '%s' is FR_COUNT(%s) on pointers to pointers: the "
                            "pointers would be copied, not what they point to",
                            f->name, r->name, count);
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

static const char *param_hint(const struct fra_model *m, const struct fra_param *p)
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
        if (handles_type(m, &p->type))
            return "an array of handles: add FR_IN(n), FR_OUT(n) or FR_INOUT(n) with n the "
                   "number of handles (or FR_OPAQUE where the pointer itself is one handle)";
        if (p->type.inner_record)
            return "what the pointers point to cannot be copied through them: pass the elements "
                   "themselves (an array of structs with FR_IN(n)), make their type a handle "
                   "(FRACTURE_OPAQUE) to pass an array of handles, or pass one handle to them "
                   "(FR_OPAQUE) that only their module dereferences";
        return "what the pointers point to cannot be copied through them: pass the elements "
               "themselves (an array with FR_IN(n)), or one handle to them (FR_OPAQUE) that "
               "only their module dereferences; an array of handles needs pointers to a "
               "record type that is a handle (FRACTURE_OPAQUE), not void * or scalars";
    case FRA_P_FN:
        return "add FR_CALLBACK so that calls through it run in the FMP of its module";
    case FRA_P_SCALAR:
        if (p->type.pointee_bytes)
            return "add FR_IN(n), FR_OUT(n) or FR_INOUT(n) for a buffer of n bytes";
        return "add FR_IN(n), FR_OUT(n), FR_INOUT(n) or FR_OPAQUE";
    default:
        return "add FR_IN(n), FR_OUT(n), FR_INOUT(n) or FR_OPAQUE";
    }
}

/* The count @n of copy annotation @ann (FR_IN/FR_OUT/FR_INOUT) on
 * parameter @p of @f: names only parameters of @f, and not @p itself. */
static void check_count(struct fra_model *m, struct fra_func *f, struct fra_param *p,
                        const char *pname, const char *n, const char *const *sib,
                        const char *ann)
{
    fra_check_expr(m, &p->loc, talloc_asprintf(m->ctx, "%s(%s)", ann, n), n, sib, f->nparams,
                   "a parameter of the function");
    if (names_itself(m->ctx, n, p->name))
        fra_model_error(m, &p->loc,
                        "pass the count in a parameter of its own (a length, a capacity)",
                        "the count %s(%s) of parameter '%s' of '%s' names '%s' itself: the "
                        "callee needs the count before '%s' exists there",
                        ann, n, pname, f->name, pname, pname);
}

/*
 * How @f comes to cross modules when no other module calls it by name: its
 * address is taken (stored in a struct field, passed along) where code of
 * another module may call through it.  Said in every error about its
 * values, since the function's name alone does not show the path.
 */
static const char *reached(struct fra_model *m, const struct fra_func *f)
{
    if (f->cross || !f->callback || !f->address_loc.file)
        return "";
    return talloc_asprintf(m->ctx,
                           ": no other module calls it by name, but its address is taken at "
                           "%s, and calls through that pointer may come from another module "
                           "(keep it in the module that calls through the pointer, or "
                           "annotate it as a callback's parameters are)",
                           fra_loc_str(m->ctx, &f->address_loc));
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
    const struct fra_opaque *op = opaque_of(m, &p->type);

    if (p->type.va_list) {
        set(r, FRA_COPY_UNKNOWN, NULL, true);
        if (report)
            fra_model_error(m, &p->loc,
                            "format in the caller and pass the result as a const char *, or "
                            "keep the function and its callers in one module",
                            "parameter '%s' of '%s' is a va_list: the arguments it walks stay "
                            "in the caller's FMP and cannot be copied",
                            pname, f->name);
        return;
    }
    if (op && (n || fra_anns_find(a, "string"))) {
        set(r, FRA_COPY_OPAQUE, NULL, false);
        if (report)
            opaque_conflict(m, &p->loc, talloc_asprintf(m->ctx, "parameter '%s' of '%s'", pname, f->name),
                            fra_anns_macros(m->ctx, a), op);
        return;
    }
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
    if (n && handles_type(m, &p->type)) {
        /* an array of handles: each element crosses as one handle does */
        set(r, FRA_COPY_HANDLES, n, false);
        r->dir = in ? FRA_COPY_IN : out ? FRA_COPY_OUT : FRA_COPY_INOUT;
        if (!report)
            return;
        check_count(m, f, p, pname, n, sib, in ? "FR_IN" : out ? "FR_OUT" : "FR_INOUT");
        if (fra_anns_find(a, "string") || fra_anns_find(a, "opaque"))
            fra_model_error(m, &p->loc,
                            "drop FR_STRING/FR_OPAQUE: the count annotation alone makes it an "
                            "array of handles",
                            "parameter '%s' of '%s' is an array of handles with %s as well",
                            pname, f->name,
                            fra_anns_find(a, "string") ? "FR_STRING" : "FR_OPAQUE");
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
        check_count(m, f, p, pname, n, sib, in ? "FR_IN" : out ? "FR_OUT" : "FR_INOUT");
        if (p->type.kind != FRA_T_PTR)
            fra_model_error(m, &p->loc, "copy annotations go on pointer parameters",
                            "parameter '%s' of '%s' is annotated %s but is not a pointer", pname,
                            f->name, in ? "FR_IN" : out ? "FR_OUT" : "FR_INOUT");
        else if (p->type.pointee == FRA_P_RECORD)
            check_record(m, p->type.record, &p->loc, pname, 0);
        else if (p->type.pointee == FRA_P_PTR)
            fra_model_error(m, &p->loc, param_hint(m, p),
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
    if (p->type.pointee_incomplete || op) {
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
        if (p->type.pointee_bytes && !p->type.pointee_const && !p->type.array_param)
            break;            /* bytes are bytes: a buffer, like char * */
        if (p->type.array_param) {
            /* "int v[4]" holds 4; "int m[][3]" says nothing of its rows */
            set(r, p->type.pointee_const ? FRA_COPY_IN : FRA_COPY_INOUT,
                p->type.array_len ? talloc_asprintf(m->ctx, "%llu", p->type.array_len)
                                  : p->type.array_count,
                true);
            if (!p->type.array_len && !p->type.array_count) {
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
        fra_model_error(m, &p->loc, param_hint(m, p),
                        "parameter '%s' of '%s' is a function pointer without FR_CALLBACK: "
                        "calls through it would cross modules unannotated",
                        pname, f->name);
    else
        fra_model_error(m, &p->loc, param_hint(m, p),
                        "cannot infer how to copy parameter '%s' of '%s' (%s) across modules%s",
                        pname, f->name, p->type.spelling, reached(m, f));
}

static void ret_rule(struct fra_model *m, struct fra_func *f, const char *const *sib,
                     bool report)
{
    struct fra_rule *r = &f->ret_rule;
    const char *n = fra_anns_find(&f->ann, "ret");
    const struct fra_opaque *op = opaque_of(m, &f->ret);

    if (op && (n || fra_anns_find(&f->ann, "ret-string"))) {
        set(r, FRA_COPY_OPAQUE, NULL, false);
        if (report)
            opaque_conflict(m, &f->loc, talloc_asprintf(m->ctx, "the return value of '%s'", f->name),
                            n ? "FR_RET" : "FR_RET_STRING", op);
        return;
    }

    if (fra_anns_find(&f->ann, "ret-fd")) {
        set(r, FRA_COPY_FD, NULL, false);
        return;
    }
    if (n) {
        set(r, FRA_COPY_RET, n, false);
        if (report)
            fra_check_expr(m, &f->loc, talloc_asprintf(m->ctx, "FR_RET(%s)", n), n, sib,
                           f->nparams, "a parameter of the function");
        /* An array of handles comes back element by element, each one
         * carried as a handle, into memory as any FR_RET(n) array's: the
         * caller's to free with FR_RET_OWNED, else the runtime's copy. */
        if (report && f->ret.kind == FRA_T_PTR && f->ret.pointee == FRA_P_PTR &&
            !handles_type(m, &f->ret))
            fra_model_error(m, &f->loc,
                            "return the elements themselves (FR_RET(n) on an array of "
                            "structs), or one handle (FR_RET_OPAQUE)",
                            "'%s' returns pointers to pointers with FR_RET(%s): the pointers "
                            "would be copied, not what they point to",
                            f->name, n);
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
    if (f->ret.pointee_incomplete || op) {
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
                        "modules%s",
                        f->name, f->ret.spelling, reached(m, f));
}

/* Value @k of @f: parameter k, or the return value when k == nparams. */
struct value {
    bool ret;
    const struct fra_type *t;
    const struct fra_rule *r;
    const struct fra_loc *loc;
};

static struct value value_of(const struct fra_func *f, unsigned k)
{
    bool ret = k == f->nparams;

    return (struct value){ret, ret ? &f->ret : &f->params[k].type,
                          ret ? &f->ret_rule : &f->params[k].rule,
                          ret ? &f->loc : &f->params[k].loc};
}

/* One place a record crosses: as a handle or as a copy. */
struct place {
    const struct fra_loc *loc;
    const char *what;         /* "parameter 'p' of 'f'" */
    const char *how;          /* "FR_OPAQUE", "FR_INOUT(1), inferred" */
};

static bool copies(enum fra_copy c)
{
    return c == FRA_COPY_IN || c == FRA_COPY_OUT || c == FRA_COPY_INOUT || c == FRA_COPY_RET;
}

static const char *how(void *ctx, const struct fra_rule *r, bool ret)
{
    static const char *const names[] = {
        [FRA_COPY_IN] = "FR_IN", [FRA_COPY_OUT] = "FR_OUT", [FRA_COPY_INOUT] = "FR_INOUT",
        [FRA_COPY_RET] = "FR_RET",
    };

    if (r->copy == FRA_COPY_OPAQUE)
        return talloc_asprintf(ctx, "%s%s", ret ? "FR_RET_OPAQUE" : "FR_OPAQUE",
                               r->inferred ? ", inferred" : "");
    return talloc_asprintf(ctx, "%s(%s)%s", names[r->copy], r->n ? r->n : "",
                           r->inferred ? ", inferred" : "");
}

/*
 * A record that crosses as a handle in one place and is copied in another
 * gives the callee a copy of what the other side treats as an address: the
 * root that minted a handle gets back a pointer into a gone arena.  Unless
 * FRACTURE_OPAQUE settles it, that is an error at the copy, naming the
 * handle.  Checked over every crossing function, after all rules are set.
 */
static void handles_agree(struct fra_model *m)
{
    void *tmp = talloc_new(m->ctx);
    struct place *handle = talloc_zero_array(tmp, struct place, m->nrecords + 1);

    if (!handle)
        goto out;
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < m->nfuncs; i++) {
            struct fra_func *f = m->funcs[i];

            if (!fra_func_crosses(f))
                continue;
            for (unsigned k = 0; k <= f->nparams; k++) {
                const struct value v = value_of(f, k);
                const bool ret = v.ret;
                const struct fra_rule *r = v.r;
                const struct fra_loc *loc = v.loc;
                const char *key = record_pointee(v.t);
                size_t rec;

                if (!key || fra_model_opaque(m, key))
                    continue;
                for (rec = 0; rec < m->nrecords; rec++)
                    if (strcmp(m->records[rec]->key, key) == 0)
                        break;
                if (rec == m->nrecords)
                    continue;
                if (pass == 0 && r->copy == FRA_COPY_OPAQUE && !handle[rec].loc) {
                    handle[rec].loc = loc;
                    handle[rec].what =
                        ret ? talloc_asprintf(tmp, "the return value of '%s'", f->name)
                            : talloc_asprintf(tmp, "parameter '%s' of '%s'",
                                              f->params[k].name, f->name);
                    handle[rec].how = how(tmp, r, ret);
                } else if (pass == 1 && copies(r->copy) && handle[rec].loc) {
                    const char *name = m->records[rec]->name;
                    fra_model_error(
                        m, loc,
                        talloc_asprintf(tmp,
                                        "if only its own module dereferences it, write "
                                        "FRACTURE_OPAQUE(%s) in a header every file reads; "
                                        "else copy it everywhere",
                                        name),
                        "%s copies '%s' (%s), but %s passes it as a handle (%s) at %s",
                        ret ? talloc_asprintf(tmp, "the return value of '%s'", f->name)
                            : talloc_asprintf(tmp, "parameter '%s' of '%s'",
                                              f->params[k].name, f->name),
                        name, how(tmp, r, ret), handle[rec].what, handle[rec].how,
                        fra_loc_str(tmp, handle[rec].loc));
                }
            }
        }
    }
out:
    talloc_free(tmp);
}

/* ---- the body against the inference (uses.c gathered the facts) ---------- */

#define MAX_HANDOFF 8         /* functions followed through handoffs */

/*
 * How parameter @p of @f is used as more than one element ("indexes it at
 * F:L:C"), or NULL.  A handoff counts when the receiving parameter takes a
 * buffer: an annotation with another count, a string, a generic pointer of
 * a function outside the sources, or a body that does so in turn.
 */
static const char *buffer_use(struct fra_model *m, const struct fra_func *f, unsigned p,
                              int depth)
{
    const struct fra_facts *fa = &f->params[p].facts;
    void *ctx = m->ctx;

    if (fa->indexed)
        return talloc_asprintf(ctx, "indexes it at %s", fra_loc_str(ctx, &fa->index_loc));
    if (fa->advanced)
        return talloc_asprintf(ctx, "advances it at %s", fra_loc_str(ctx, &fa->advance_loc));
    for (size_t i = 0; i < fa->nhandoffs && depth < MAX_HANDOFF; i++) {
        const struct fra_handoff *h = &fa->handoffs[i];
        const struct fra_func *g = fra_model_func(m, h->callee);
        const char *name = g ? g->name : h->callee;
        const char *at = fra_loc_str(ctx, &h->loc), *inner;
        const struct fra_rule *q;

        if (!g || !g->defined || h->arg >= g->nparams) {
            if (strcmp(name, "free") == 0 || strcmp(name, "realloc") == 0)
                return talloc_asprintf(ctx, "frees it at %s", at);
            if (h->generic && !h->one)
                return talloc_asprintf(ctx, "hands it to '%s' as a buffer at %s", name, at);
            continue;
        }
        q = &g->params[h->arg].rule;
        if ((q->copy == FRA_COPY_IN || q->copy == FRA_COPY_OUT || q->copy == FRA_COPY_INOUT) &&
            !q->inferred && q->n && strcmp(q->n, "1") != 0)
            return talloc_asprintf(ctx, "hands it to '%s' as %s(%s) at %s", name,
                                   q->copy == FRA_COPY_IN    ? "FR_IN"
                                   : q->copy == FRA_COPY_OUT ? "FR_OUT"
                                                             : "FR_INOUT",
                                   q->n, at);
        if (q->copy == FRA_COPY_STRING)
            return talloc_asprintf(ctx, "hands it to '%s' as a string at %s", name, at);
        if (q->copy == FRA_COPY_UNKNOWN && h->generic && !h->one)
            return talloc_asprintf(ctx, "hands it to '%s' as a buffer at %s", name, at);
        if (g == f && h->arg == p)
            continue;
        if ((inner = buffer_use(m, g, h->arg, depth + 1)))
            return talloc_asprintf(ctx, "hands it to '%s' at %s, which %s", name, at, inner);
    }
    return NULL;
}

/* Where parameter @p of @f is kept beyond the call ("in global 'g' at
 * F:L:C"), or NULL. */
static const char *store_use(struct fra_model *m, const struct fra_func *f, unsigned p,
                             int depth)
{
    const struct fra_facts *fa = &f->params[p].facts;
    void *ctx = m->ctx;

    if (fa->stored)
        return talloc_asprintf(ctx, "in %s at %s", fa->store_where,
                               fra_loc_str(ctx, &fa->store_loc));
    for (size_t i = 0; i < fa->nhandoffs && depth < MAX_HANDOFF; i++) {
        const struct fra_handoff *h = &fa->handoffs[i];
        const struct fra_func *g = fra_model_func(m, h->callee);
        const char *inner;

        if (!g || !g->defined || h->arg >= g->nparams || (g == f && h->arg == p) ||
            g->params[h->arg].rule.copy == FRA_COPY_OPAQUE)
            continue;
        if ((inner = store_use(m, g, h->arg, depth + 1)))
            return talloc_asprintf(ctx, "by '%s' (handed to it at %s) %s", g->name,
                                   fra_loc_str(ctx, &h->loc), inner);
    }
    return NULL;
}

/* The integer parameter most likely to count @p's elements, for a hint. */
static const char *count_param(const struct fra_func *f, unsigned p)
{
    static const char *const likely[] = {"n", "len", "length", "size", "count", "nmemb",
                                         "num", "cnt", "nelem", "nitems"};
    const char *first = NULL;

    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *q = &f->params[i];
        if (i == p || !q->type.integer || !q->name || !*q->name)
            continue;
        if (strstr(q->name, "len") || strstr(q->name, "size") || strstr(q->name, "count"))
            return q->name;
        for (size_t k = 0; k < sizeof likely / sizeof *likely; k++)
            if (strcmp(q->name, likely[k]) == 0)
                return q->name;
        if (!first)
            first = q->name;
    }
    return first;
}

static bool copied(enum fra_copy c)
{
    return c == FRA_COPY_IN || c == FRA_COPY_OUT || c == FRA_COPY_INOUT ||
           c == FRA_COPY_STRING || c == FRA_COPY_HANDLES;
}

static void check_body(struct fra_model *m, const struct fra_func *f)
{
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        const struct fra_rule *r = &p->rule;
        const char *pname = p->name && *p->name ? p->name : "(unnamed)";
        const char *how;

        if (r->inferred && (r->copy == FRA_COPY_IN || r->copy == FRA_COPY_INOUT) && r->n &&
            strcmp(r->n, "1") == 0 && (how = buffer_use(m, f, i, 0))) {
            const char *macro = r->copy == FRA_COPY_IN ? "FR_IN" : "FR_INOUT";
            const char *cnt = count_param(f, i);
            const char *hint =
                strncmp(how, "frees", 5) == 0
                    ? talloc_strdup(m->ctx, "a copy cannot be freed for the caller: pass the "
                                            "object as a handle its module owns (FR_OPAQUE, or "
                                            "FRACTURE_OPAQUE for its type)")
                    : talloc_asprintf(m->ctx,
                                      "add %s(%s) with the number of elements%s, or write "
                                      "%s(1) if one element is all it reads",
                                      macro, cnt ? cnt : "n",
                                      cnt ? talloc_asprintf(m->ctx, " (perhaps '%s')", cnt) : "",
                                      macro);
            fra_model_error(m, &p->loc, hint,
                            "parameter '%s' of '%s' is inferred %s(1), one element, but the "
                            "body %s",
                            pname, f->name, macro, how);
        }
        if (copied(r->copy) && (how = store_use(m, f, i, 0)))
            fra_model_error(m, &p->loc,
                            "keep a copy of what it points to (strdup, memcpy), or pass it "
                            "FR_OPAQUE if the caller's own object is meant (only the caller's "
                            "module may then dereference it)",
                            "parameter '%s' of '%s' is kept beyond the call %s: in another "
                            "FMP it points into a copy that is gone when the call returns",
                            pname, f->name, how);
        if (r->copy == FRA_COPY_FD && !fra_anns_find(&p->ann, "fd-keep") &&
            (how = store_use(m, f, i, 0)))
            fra_model_error(m, &p->loc,
                            "write FR_FD_KEEP: its FMP then holds the duplicate until the callee "
                            "closes it",
                            "descriptor '%s' of '%s' is FR_FD, lent for one call, but it is "
                            "kept beyond the call %s",
                            pname, f->name, how);
    }
}

/* Whether a function of module @mod dereferences record @key. */
static bool module_derefs(const struct fra_model *m, const char *mod, const char *key)
{
    for (size_t i = 0; i < m->nfuncs; i++) {
        const struct fra_func *f = m->funcs[i];
        if (!f->defined || fra_func_unused(f) || strcmp(f->module, mod) != 0)
            continue;
        for (size_t d = 0; d < f->nderefs; d++)
            if (strcmp(f->derefs[d].record, key) == 0)
                return true;
    }
    return false;
}

/* Whether @f takes a handle to record @key as a parameter. */
static bool takes_handle(const struct fra_func *f, const char *key)
{
    for (unsigned k = 0; k < f->nparams; k++) {
        const char *pk = record_pointee(&f->params[k].type);
        if (pk && strcmp(pk, key) == 0 && f->params[k].rule.copy == FRA_COPY_OPAQUE)
            return true;
    }
    return false;
}

/*
 * A handle is an address in its owner's FMP: only the owner may read or
 * write through it.  The owner of a record passed as a handle is the module
 * of a crossing function that returns it (it mints them; of several, one
 * whose module reads it: the others hand on what they were given, as does
 * one that takes such handles and reads none); every
 * other module whose code dereferences one is an error there, the place
 * where it would read another process's address.  With no minting
 * function, the record must be dereferenced in one module at most.
 */
static void handles_owned(struct fra_model *m)
{
    for (size_t ri = 0; ri < m->nrecords; ri++) {
        const struct fra_record *rec = m->records[ri];
        const struct fra_opaque *op = fra_model_opaque(m, rec->key);
        const struct fra_func *mint = NULL, *first = NULL;
        const struct fra_loc *first_at = NULL;
        bool handle = op != NULL, mint_reads = false;

        for (size_t i = 0; i < m->nfuncs && !mint_reads; i++) {
            const struct fra_func *f = m->funcs[i];
            if (!fra_func_crosses(f))
                continue;
            for (unsigned k = 0; k <= f->nparams; k++) {
                const struct value v = value_of(f, k);
                const char *key = record_pointee(v.t);
                if (!key || strcmp(key, rec->key) != 0 || v.r->copy != FRA_COPY_OPAQUE)
                    continue;
                handle = true;
                if (v.ret && !mint_reads) {
                    bool reads = module_derefs(m, f->module, rec->key);
                    /* one that is given such handles and never reads
                     * them (a callback that picks one) hands one on */
                    if (!reads && takes_handle(f, rec->key))
                        continue;
                    mint_reads = reads;
                    if (!mint || mint_reads)
                        mint = f;
                }
            }
        }
        if (!handle)
            continue;
        for (size_t i = 0; i < m->nfuncs; i++) {
            const struct fra_func *f = m->funcs[i];
            const struct fra_loc *at = NULL;
            if (!f->defined || fra_func_unused(f))
                continue;
            for (size_t d = 0; d < f->nderefs && !at; d++)
                if (strcmp(f->derefs[d].record, rec->key) == 0)
                    at = &f->derefs[d].loc;
            if (!at)
                continue;
            const char *owner = mint ? mint->module : first ? first->module : NULL;
            if (!owner) {
                first = f;
                first_at = at;
                continue;
            }
            if (strcmp(owner, f->module) == 0)
                continue;
            fra_model_error(
                m, at,
                talloc_asprintf(m->ctx,
                                "read or change it through a function of module '%s', or put "
                                "'%s' in module '%s' (FR_MODULE, or FRACTURE_MODULE_FILES in "
                                "a spec)",
                                owner, f->name, owner),
                "'%s' of module '%s' dereferences a '%s', a handle of module '%s' (%s at %s): "
                "in another FMP it is that module's address",
                f->name, f->module, rec->name, owner,
                mint ? talloc_asprintf(m->ctx, "returned by '%s'", mint->name)
                     : "dereferenced there",
                fra_loc_str(m->ctx, mint ? &mint->loc : first_at));
        }
    }
}

void fra_infer(struct fra_model *m)
{
    for (size_t i = 0; i < m->nfuncs; i++) {
        struct fra_func *f = m->funcs[i];
        bool report = fra_func_crosses(f);
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
    /* Handoffs read the rules of other functions: all are set by now. */
    for (size_t i = 0; i < m->nfuncs; i++)
        if (fra_func_crosses(m->funcs[i]))
            check_body(m, m->funcs[i]);
    handles_agree(m);
    handles_owned(m);
}
