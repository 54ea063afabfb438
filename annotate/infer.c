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

/* A pointer to a FRACTURE_OPAQUE record is a handle wherever it crosses. */
static const struct fra_opaque *opaque_of(const struct fra_model *m, const struct fra_type *t)
{
    return t->kind == FRA_T_PTR && t->pointee == FRA_P_RECORD ? fra_model_opaque(m, t->record)
                                                               : NULL;
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
        if (count && f->type.pointee == FRA_P_RECORD)
            check_record(m, f->type.record, &f->loc, f->name, depth + 1);
    }
    talloc_free(sib);
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
        return "pointers to pointers cannot be copied: add FR_OPAQUE if only the callee "
               "dereferences it, or pass the elements as FR_IN(n)/FR_OUT(n)";
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
    const struct fra_opaque *op = opaque_of(m, &p->type);

    if (op && (n || fra_anns_find(a, "string"))) {
        set(r, FRA_COPY_OPAQUE, NULL, false);
        if (report)
            fra_model_error(m, &p->loc,
                            talloc_asprintf(m->ctx,
                                            "a pointer to '%s' is a handle everywhere: drop "
                                            "the annotation, or remove the FRACTURE_OPAQUE",
                                            op->name),
                            "parameter '%s' of '%s' is annotated %s, but FRACTURE_OPAQUE(%s) "
                            "at %s makes it a handle",
                            pname, f->name, fra_anns_macros(m->ctx, a), op->name,
                            fra_loc_str(m->ctx, &op->loc));
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
        return;
    }
    if (fra_anns_find(a, "string")) {
        set(r, FRA_COPY_STRING, NULL, false);
        if (report && (p->type.kind != FRA_T_PTR || p->type.pointee != FRA_P_CHAR))
            fra_model_error(m, &p->loc, "FR_STRING goes on a char *",
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
    if (fra_anns_find(a, "fd")) {
        set(r, FRA_COPY_FD, NULL, false);
        if (report && !p->type.integer)
            fra_model_error(m, &p->loc, "FR_FD goes on an int file descriptor",
                            "parameter '%s' of '%s' is FR_FD but its type is '%s'", pname,
                            f->name, p->type.spelling);
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
        set(r, p->type.pointee_const ? FRA_COPY_IN : FRA_COPY_INOUT, "1", true);
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
    const struct fra_opaque *op = opaque_of(m, &f->ret);

    if (op && (n || fra_anns_find(&f->ann, "ret-string"))) {
        set(r, FRA_COPY_OPAQUE, NULL, false);
        if (report)
            fra_model_error(m, &f->loc,
                            talloc_asprintf(m->ctx,
                                            "a pointer to '%s' is a handle everywhere: drop "
                                            "the annotation, or remove the FRACTURE_OPAQUE",
                                            op->name),
                            "the return value of '%s' is annotated %s, but FRACTURE_OPAQUE(%s) "
                            "at %s makes it a handle",
                            f->name, n ? "FR_RET" : "FR_RET_STRING", op->name,
                            fra_loc_str(m->ctx, &op->loc));
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
                        "modules",
                        f->name, f->ret.spelling);
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

            if (!f->defined || !(f->cross || f->callback))
                continue;
            for (unsigned k = 0; k <= f->nparams; k++) {
                bool ret = k == f->nparams;
                const struct fra_type *t = ret ? &f->ret : &f->params[k].type;
                const struct fra_rule *r = ret ? &f->ret_rule : &f->params[k].rule;
                const struct fra_loc *loc = ret ? &f->loc : &f->params[k].loc;
                size_t rec;

                if (t->kind != FRA_T_PTR || t->pointee != FRA_P_RECORD || !t->record ||
                    fra_model_opaque(m, t->record))
                    continue;
                for (rec = 0; rec < m->nrecords; rec++)
                    if (strcmp(m->records[rec]->key, t->record) == 0)
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
    handles_agree(m);
}
