/*
 * collect.c - walk one libclang translation unit and copy into the model
 * what the checks need: the file's module, every function declaration
 * with its annotations and parameter types, calls and function addresses
 * in bodies and global initializers, globals and their uses, and the
 * records that pointer parameters reach, with their layout.
 *
 * Only facts are gathered here; module membership and every judgement
 * wait until all files are read (model.c, merge.c, infer.c, check.c).
 */
#include "collect.h"

#include <errno.h>
#include <string.h>
#include <talloc.h>

#include "annot.h"
#include "caps.h"
#include "cx.h"
#include "spec.h"
#include "uses.h"

#define ANN_PREFIX "fracture:"

struct coll {
    struct fra_model *m;
    const char *tu;           /* main file, as named on the command line */
    const char *tu_module;
    CXFile tu_file;
    int err;
};

struct walk {
    struct coll *c;
    const char *caller;       /* key of the enclosing function, or NULL */
    unsigned top_off;         /* start of the enclosing top-level declaration */
};

/* The byte offset of @cur's own token when it is written in the main file
 * and not produced by a macro: the only places a rewrite may touch. */
static unsigned token_off(struct coll *c, CXCursor cur)
{
    CXSourceLocation loc = clang_getCursorLocation(cur);
    CXFile sf = NULL, ef = NULL;
    unsigned so = 0, eo = 0;

    clang_getSpellingLocation(loc, &sf, NULL, NULL, &so);
    clang_getExpansionLocation(loc, &ef, NULL, NULL, &eo);
    if (!sf || !ef || !c->tu_file || !clang_File_isEqual(sf, c->tu_file) ||
        !clang_File_isEqual(ef, c->tu_file) || so != eo)
        return FRA_NO_OFF;
    return so;
}

/* Where @loc expands in the main file, or FRA_NO_OFF: a declaration made
 * by a macro starts and ends at the macro's use. */
static unsigned main_off(struct coll *c, CXSourceLocation loc)
{
    CXFile f = NULL;
    unsigned off = 0;

    clang_getExpansionLocation(loc, &f, NULL, NULL, &off);
    if (!f || !c->tu_file || !clang_File_isEqual(f, c->tu_file))
        return FRA_NO_OFF;
    return off;
}

/* Where the top-level declaration @cur starts; just past its last token. */
static unsigned top_off(struct coll *c, CXCursor cur)
{
    return main_off(c, clang_getRangeStart(clang_getCursorExtent(cur)));
}

static unsigned end_off(struct coll *c, CXCursor cur)
{
    return main_off(c, clang_getRangeEnd(clang_getCursorExtent(cur)));
}

static void type_facts(struct coll *c, CXType t, struct fra_type *out);

/* Annotations attached to @cur; with @own_only, only those written on this
 * declaration (clang also lists those it inherits from earlier ones). */
struct ann_ctx {
    struct coll *c;
    void *ctx;
    struct fra_anns *set;
    CXCursor decl;
    bool own_only;
};

static enum CXChildVisitResult ann_visit(CXCursor cur, CXCursor parent, CXClientData data)
{
    struct ann_ctx *a = data;
    char *s;

    (void)parent;
    if (clang_getCursorKind(cur) != CXCursor_AnnotateAttr)
        return CXChildVisit_Continue;
    if (a->own_only && !fra_cx_within(cur, a->decl))
        return CXChildVisit_Continue;
    s = fra_cx_spelling(a->ctx, cur);
    if (!s) {
        a->c->err = -ENOMEM;
        return CXChildVisit_Break;
    }
    if (strncmp(s, ANN_PREFIX, strlen(ANN_PREFIX)) == 0 &&
        fra_anns_add(a->ctx, a->set, s + strlen(ANN_PREFIX)) < 0)
        a->c->err = -ENOMEM;
    talloc_free(s);
    return CXChildVisit_Continue;
}

static void annotations(struct coll *c, void *ctx, CXCursor cur, bool own_only,
                        struct fra_anns *set)
{
    struct ann_ctx a = {c, ctx, set, cur, own_only};

    clang_visitChildren(cur, ann_visit, &a);
}

static bool in_system(CXCursor cur)
{
    return clang_Location_isInSystemHeader(clang_getCursorLocation(cur)) != 0;
}

static bool in_main_file(struct coll *c, CXCursor cur)
{
    CXFile f = NULL;

    clang_getExpansionLocation(clang_getCursorLocation(cur), &f, NULL, NULL, NULL);
    return f && c->tu_file && clang_File_isEqual(f, c->tu_file);
}

/* Functions and globals with internal linkage are distinct per file. */
static char *decl_key(struct coll *c, void *ctx, CXCursor cur)
{
    return fra_cx_key(ctx, cur, c->tu);
}

/* ---- records ------------------------------------------------------------ */

struct field_ctx {
    struct coll *c;
    struct fra_record *r;
    bool shared;              /* inside an anonymous union member */
    unsigned long long base;  /* bit offset of the anonymous member walked */
};

static enum CXVisitorResult field_visit(CXCursor cur, CXClientData data)
{
    struct field_ctx *fc = data;
    struct fra_record *r = fc->r;
    struct fra_field *f;
    CXType t = clang_getCursorType(cur);
    CXCursor tdecl = clang_getTypeDeclaration(clang_getCanonicalType(t));
    bool array = false;
    /* libclang gives it within its own record: an anonymous member's
     * fields are placed at the member's offset */
    long long off = clang_Cursor_getOffsetOfField(cur);
    long long size = clang_Type_getSizeOf(t);

    if (off < 0)
        r->layout_known = false;
    /* A C11 anonymous member's fields are the record's own (p->h names
     * them), so they are walked as its fields, where the code that copies
     * them can name them; an anonymous union's still share their bytes. */
    if (clang_Cursor_isAnonymousRecordDecl(tdecl)) {
        struct field_ctx in = {fc->c, r,
                               fc->shared || clang_getCursorKind(tdecl) == CXCursor_UnionDecl,
                               fc->base + (unsigned long long)(off > 0 ? off : 0)};
        clang_Type_visitFields(clang_getCanonicalType(t), field_visit, &in);
        return fc->c->err ? CXVisit_Break : CXVisit_Continue;
    }
    f = talloc_realloc(r, r->fields, struct fra_field, r->nfields + 1);
    if (!f) {
        fc->c->err = -ENOMEM;
        return CXVisit_Break;
    }
    r->fields = f;
    f = &r->fields[r->nfields++];
    memset(f, 0, sizeof *f);
    f->name = fra_cx_spelling(r, cur);
    f->loc = fra_cx_cursor_loc(r, cur);
    /* Elements of an array field follow the rule of one element. */
    for (;;) {
        CXType ct = clang_getCanonicalType(t);
        if (ct.kind != CXType_ConstantArray && ct.kind != CXType_IncompleteArray &&
            ct.kind != CXType_VariableArray && ct.kind != CXType_DependentSizedArray)
            break;
        if (ct.kind == CXType_IncompleteArray && !array)
            f->flexible = true;
        t = clang_getArrayElementType(ct);
        array = true;
    }
    f->array = array;
    f->bitfield = clang_Cursor_isBitField(cur) != 0;
    f->shared = r->is_union || fc->shared;
    f->bit_offset = fc->base + (unsigned long long)(off > 0 ? off : 0);
    f->bit_width = f->bitfield && clang_getFieldDeclBitWidth(cur) > 0
                       ? (unsigned)clang_getFieldDeclBitWidth(cur) : 0;
    f->size = !f->bitfield && size > 0 ? (unsigned long long)size : 0;
    annotations(fc->c, r, cur, false, &f->ann);
    type_facts(fc->c, t, &f->type);
    return CXVisit_Continue;
}

static const char *record_of(struct coll *c, CXType ct)
{
    CXCursor decl = clang_getTypeDeclaration(ct);
    struct fra_record *r;
    struct field_ctx fc;
    char *key;

    key = fra_cx_take(c->m->ctx, clang_getCursorUSR(decl));
    if (!key || !*key)
        key = fra_cx_take(c->m->ctx, clang_getTypeSpelling(ct));
    if (!key)
        return NULL;
    r = fra_model_record(c->m, key);
    if (r || clang_Type_getSizeOf(ct) < 0)
        return key;
    r = fra_model_record_add(c->m, key);
    if (!r) {
        c->err = -ENOMEM;
        return NULL;
    }
    /* The declaration's type: the pointee's would carry its const. */
    r->name = fra_cx_take(r, clang_getTypeSpelling(clang_getCursorType(decl)));
    r->system = in_system(decl);
    r->is_union = clang_getCursorKind(decl) == CXCursor_UnionDecl;
    r->size = (unsigned long long)clang_Type_getSizeOf(ct);
    r->layout_known = true;
    /* Registered before its fields, so a record that points to itself ends
     * the recursion here. */
    fc.c = c;
    fc.r = r;
    fc.shared = false;
    fc.base = 0;
    clang_Type_visitFields(ct, field_visit, &fc);
    return key;
}

static bool is_integer(enum CXTypeKind k)
{
    return (k >= CXType_Bool && k <= CXType_Int128) || k == CXType_Enum;
}

/* What a pointer's facts say of its pointee @pt. */
static void pointee_facts(struct coll *c, CXType pt, struct fra_type *out)
{
    CXType pc = clang_getCanonicalType(pt);

    out->pointee_const = clang_isConstQualifiedType(pc) != 0;
    out->pointee_incomplete = pc.kind != CXType_Void &&
                              clang_Type_getSizeOf(pc) == CXTypeLayoutError_Incomplete;
    switch (pc.kind) {
    case CXType_Void:
        out->pointee = FRA_P_VOID;
        break;
    case CXType_Char_S:
    case CXType_Char_U:
        out->pointee = FRA_P_CHAR;
        break;
    case CXType_UChar:
    case CXType_SChar:
        out->pointee = FRA_P_SCALAR;
        out->pointee_bytes = true;
        break;
    case CXType_Pointer: {
        CXType in = clang_getCanonicalType(clang_getPointeeType(pc));
        out->pointee = FRA_P_PTR;
        if (in.kind == CXType_Record) {
            out->inner_record = record_of(c, in);
            out->inner_incomplete = clang_Type_getSizeOf(in) == CXTypeLayoutError_Incomplete;
        }
        break;
    }
    case CXType_BlockPointer:
        out->pointee = FRA_P_PTR;
        break;
    case CXType_FunctionProto:
    case CXType_FunctionNoProto:
        out->pointee = FRA_P_FN;
        out->pointee_incomplete = false;
        break;
    case CXType_Record:
        out->pointee = FRA_P_RECORD;
        out->record = record_of(c, pc);
        break;
    default:
        out->pointee = FRA_P_SCALAR;
        break;
    }
}

/* va_list is an array of __va_list_tag on x86-64 (a pointer once it is a
 * parameter), a struct or a plain pointer elsewhere: its name tells,
 * whatever the ABI made of it. */
static bool is_va_list(void *ctx, CXType t)
{
    char *canon = fra_cx_take(ctx, clang_getTypeSpelling(clang_getCanonicalType(t)));
    char *spelling = fra_cx_take(ctx, clang_getTypeSpelling(t));
    bool yes = (canon && strstr(canon, "__va_list")) ||
               (spelling && (strcmp(spelling, "va_list") == 0 ||
                             strcmp(spelling, "__gnuc_va_list") == 0 ||
                             strcmp(spelling, "__builtin_va_list") == 0));

    talloc_free(canon);
    talloc_free(spelling);
    return yes;
}

static void type_facts(struct coll *c, CXType t, struct fra_type *out)
{
    void *ctx = c->m->ctx;
    CXType ct = clang_getCanonicalType(t);

    memset(out, 0, sizeof *out);
    out->spelling = fra_cx_take(ctx, clang_getTypeSpelling(t));
    out->top_const = clang_isConstQualifiedType(t) != 0;
    out->va_list = is_va_list(ctx, t);
    switch (ct.kind) {
    case CXType_Void:
        out->kind = FRA_T_VOID;
        return;
    case CXType_Record:
        out->kind = FRA_T_RECORD;
        out->record = record_of(c, ct);
        return;
    case CXType_Pointer:
        out->kind = FRA_T_PTR;
        pointee_facts(c, clang_getPointeeType(ct), out);
        return;
    default:
        if (is_integer(ct.kind) || (ct.kind >= CXType_Float && ct.kind <= CXType_LongDouble) ||
            (ct.kind >= CXType_Float128 && ct.kind <= CXType_BFloat16) ||
            ct.kind == CXType_Complex) {
            out->kind = FRA_T_SCALAR;
            out->integer = is_integer(ct.kind);
#if defined(__x86_64__) || defined(__i386__)
            /* libclang's target is the annotator's own (and the code
             * that tidies checks __LDBL_MANT_DIG__ where it is built) */
            if (ct.kind == CXType_LongDouble && clang_Type_getSizeOf(ct) > 10) {
                out->scalar_size = (unsigned)clang_Type_getSizeOf(ct);
                out->value_bytes = 10;
            }
#endif
        } else {
            out->kind = FRA_T_OTHER;
        }
        return;
    }
}

/* A parameter declared as an array is a pointer to its element (C11
 * 6.7.6.3p7), and generated code declares it so; its length, when it has
 * one, is what an unannotated one holds. */
static void param_facts(struct coll *c, CXType t, struct fra_type *out)
{
    CXType ct = clang_getCanonicalType(t);
    char *elem;

    if (ct.kind != CXType_ConstantArray && ct.kind != CXType_IncompleteArray &&
        ct.kind != CXType_VariableArray && ct.kind != CXType_DependentSizedArray) {
        type_facts(c, t, out);
        return;
    }
    memset(out, 0, sizeof *out);
    elem = fra_cx_take(c->m->ctx, clang_getTypeSpelling(clang_getArrayElementType(t)));
    if (!elem) {
        c->err = -ENOMEM;
        return;
    }
    /* "const int [3]" -> "const int (*)[3]", "int" -> "int *" */
    if (strchr(elem, '('))
        out->spelling = talloc_asprintf(c->m->ctx, "__typeof__(%s) *", elem);
    else if (strchr(elem, '['))
        out->spelling = talloc_asprintf(c->m->ctx, "%.*s(*)%s", (int)(strchr(elem, '[') - elem),
                                        elem, strchr(elem, '['));
    else
        out->spelling = talloc_asprintf(c->m->ctx, "%s *", elem);
    out->kind = FRA_T_PTR;
    out->va_list = is_va_list(c->m->ctx, t);
    out->array_param = true;
    out->array_len = ct.kind == CXType_ConstantArray ? (unsigned long long)clang_getArraySize(ct) : 0;
    if (ct.kind == CXType_VariableArray) {
        /* "const int[n]": the size is an expression over earlier parameters,
         * which is what a count is */
        char *sp = fra_cx_take(c->m->ctx, clang_getTypeSpelling(t));
        char *open = sp ? strchr(sp, '[') : NULL;
        char *close = open ? strchr(open, ']') : NULL;
        if (close && close > open + 1)
            out->array_count = talloc_strndup(c->m->ctx, open + 1, (size_t)(close - open - 1));
    }
    /* the written element: a canonical array type carries its element's const */
    pointee_facts(c, clang_getArrayElementType(t), out);
    out->pointee_const |= clang_isConstQualifiedType(ct) != 0;
}

/* ---- bodies -------------------------------------------------------------- */

static void visit_one(struct walk *w, CXCursor cur);

static enum CXChildVisitResult body_visit(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    visit_one(data, cur);
    return ((struct walk *)data)->c->err ? CXChildVisit_Break : CXChildVisit_Continue;
}

static struct fra_call *add_call(struct walk *w, CXCursor site, CXCursor fn)
{
    struct fra_model *m = w->c->m;
    struct fra_call *calls, *call;

    calls = talloc_realloc(m->ctx, m->calls, struct fra_call, m->ncalls + 1);
    if (!calls) {
        w->c->err = -ENOMEM;
        return NULL;
    }
    m->calls = calls;
    call = &calls[m->ncalls++];
    memset(call, 0, sizeof *call);
    call->caller = w->caller;
    call->caller_tu_module = w->c->tu_module;
    call->callee = decl_key(w->c, m->ctx, fn);
    call->loc = fra_cx_cursor_loc(m->ctx, site);
    call->tu = w->c->tu;
    call->name_off = token_off(w->c, site);
    call->top_off = w->top_off;
    return call;
}

/* An argument with implicit casts, parentheses, & and casts taken off. */
static CXCursor strip(CXCursor cur);

static enum CXChildVisitResult first_child(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    *(CXCursor *)data = cur;
    return CXChildVisit_Break;
}

static CXCursor strip(CXCursor cur)
{
    for (;;) {
        enum CXCursorKind k = clang_getCursorKind(cur);
        CXCursor child = clang_getNullCursor();

        if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr &&
            k != CXCursor_UnaryOperator && k != CXCursor_CStyleCastExpr)
            return cur;
        clang_visitChildren(cur, first_child, &child);
        if (clang_Cursor_isNull(child))
            return cur;
        /* A cast's first child may be its written type. */
        if (clang_getCursorKind(child) == CXCursor_TypeRef)
            return cur;
        cur = child;
    }
}

static bool is_function(CXCursor c)
{
    return clang_getCursorKind(c) == CXCursor_FunctionDecl;
}

static void handle_call(struct walk *w, CXCursor cur)
{
    CXCursor callee = clang_getCursorReferenced(cur);
    bool direct = is_function(callee);
    struct fra_cx_children ch = {NULL, 0, talloc_new(NULL)};
    struct fra_call *call = NULL;
    unsigned first_arg = 1;

    fra_cx_children(cur, &ch);
    if (direct) {
        CXCursor name = ch.n > 0 ? strip(ch.v[0]) : cur;
        call = add_call(w, cur, callee);
        if (!call)
            goto out;
        call->name_off = clang_getCursorKind(name) == CXCursor_DeclRefExpr
                             ? token_off(w->c, name)
                             : FRA_NO_OFF;
    } else if (ch.n > 0) {
        visit_one(w, ch.v[0]);
    } else {
        first_arg = 0;
    }
    for (unsigned i = first_arg; i < ch.n && !w->c->err; i++) {
        CXCursor arg = strip(ch.v[i]);
        CXCursor ref;

        if (clang_getCursorKind(arg) == CXCursor_DeclRefExpr &&
            is_function(ref = clang_getCursorReferenced(arg))) {
            struct fra_call *a = add_call(w, arg, ref);
            if (!a)
                goto out;
            a->address = true;
            if (direct) {
                a->via = decl_key(w->c, w->c->m->ctx, callee);
                a->via_arg = i - first_arg;
            }
            continue;
        }
        visit_one(w, ch.v[i]);
    }
out:
    talloc_free(ch.ctx);
}

static void add_use(struct walk *w, CXCursor site, CXCursor var)
{
    struct fra_model *m = w->c->m;
    struct fra_use *u = talloc_realloc(m->ctx, m->uses, struct fra_use, m->nuses + 1);

    if (!u) {
        w->c->err = -ENOMEM;
        return;
    }
    m->uses = u;
    u = &u[m->nuses++];
    u->var = decl_key(w->c, m->ctx, var);
    u->user = w->caller;
    u->user_tu_module = w->c->tu_module;
    u->loc = fra_cx_cursor_loc(m->ctx, site);
}

static void visit_one(struct walk *w, CXCursor cur)
{
    CXCursor ref;

    switch (clang_getCursorKind(cur)) {
    case CXCursor_CallExpr:
        handle_call(w, cur);
        return;
    case CXCursor_DeclRefExpr:
        ref = clang_getCursorReferenced(cur);
        if (is_function(ref)) {
            struct fra_call *a = add_call(w, cur, ref);
            if (a)
                a->address = true;
        } else if (clang_getCursorKind(ref) == CXCursor_VarDecl &&
                   clang_Cursor_hasVarDeclGlobalStorage(ref) == 1 &&
                   clang_getCursorKind(clang_getCursorSemanticParent(ref)) ==
                       CXCursor_TranslationUnit) {
            add_use(w, cur, ref);
        }
        return;
    default:
        clang_visitChildren(cur, body_visit, w);
        return;
    }
}

/* ---- declarations ----------------------------------------------------------- */

static void do_function(struct coll *c, CXCursor cur)
{
    struct fra_model *m = c->m;
    char *key = decl_key(c, m->ctx, cur);
    struct fra_func *f;
    struct fra_decl d;
    int nargs = clang_Cursor_getNumArguments(cur);
    bool def = clang_isCursorDefinition(cur) != 0;
    bool seen = false;

    if (!key)
        goto oom;
    f = fra_model_func(m, key);
    if (!f && !(f = fra_model_func_add(m, key)))
        goto oom;
    if (!f->name)
        f->name = fra_cx_spelling(f, cur);
    f->internal = clang_getCursorLinkage(cur) == CXLinkage_Internal;
    if (nargs < 0)
        nargs = 0;

    memset(&d, 0, sizeof d);
    d.loc = fra_cx_cursor_loc(f, cur);
    d.def = def;
    for (size_t i = 0; i < f->ndecls; i++)
        if (fra_loc_cmp(&f->decls[i].loc, &d.loc) == 0)
            seen = true;      /* a header read again by another file */

    if (!seen) {
        struct fra_decl *decls = talloc_realloc(f, f->decls, struct fra_decl, f->ndecls + 1);
        if (!decls)
            goto oom;
        f->decls = decls;
        d.nparams = (unsigned)nargs;
        d.pown = talloc_zero_array(f, struct fra_anns, d.nparams + 1);
        d.ploc = talloc_zero_array(f, struct fra_loc, d.nparams + 1);
        if (!d.pown || !d.ploc)
            goto oom;
        annotations(c, f, cur, true, &d.own);
        for (int i = 0; i < nargs; i++) {
            CXCursor p = clang_Cursor_getArgument(cur, (unsigned)i);
            annotations(c, f, p, true, &d.pown[i]);
            d.ploc[i] = fra_cx_cursor_loc(f, p);
        }
        f->decls[f->ndecls++] = d;
    }

    /* The definition's parameters, else the first declaration's; a handle
     * stays a handle if any declaration hides the pointee. */
    if (def || f->nparams == 0 || !f->params) {
        struct fra_param *old = f->params;
        unsigned nold = f->nparams;

        if (!def && f->params && f->nparams == (unsigned)nargs)
            goto merge_only;
        f->params = talloc_zero_array(f, struct fra_param, (unsigned)nargs + 1);
        if (!f->params)
            goto oom;
        f->nparams = (unsigned)nargs;
        for (int i = 0; i < nargs; i++) {
            CXCursor p = clang_Cursor_getArgument(cur, (unsigned)i);
            struct fra_param *fp = &f->params[i];
            fp->name = fra_cx_spelling(f, p);
            fp->loc = fra_cx_cursor_loc(f, p);
            param_facts(c, clang_getCursorType(p), &fp->type);
            if (old && (unsigned)i < nold && old[i].type.pointee_incomplete)
                fp->type.pointee_incomplete = true;
            if (old && (unsigned)i < nold && old[i].type.inner_incomplete)
                fp->type.inner_incomplete = true;
        }
        {
            bool was_handle = old && f->ret.pointee_incomplete;
            bool was_handles = old && f->ret.inner_incomplete;
            type_facts(c, clang_getCursorResultType(cur), &f->ret);
            if (was_handle)
                f->ret.pointee_incomplete = true;
            if (was_handles)
                f->ret.inner_incomplete = true;
        }
        f->variadic = clang_Cursor_isVariadic(cur) != 0;
        if (!def)
            f->loc = d.loc;
        goto defined;
    }
merge_only:
    for (int i = 0; i < nargs && (unsigned)i < f->nparams; i++) {
        struct fra_type t;
        param_facts(c, clang_getCursorType(clang_Cursor_getArgument(cur, (unsigned)i)), &t);
        if (t.pointee_incomplete)
            f->params[i].type.pointee_incomplete = true;
        if (t.inner_incomplete)
            f->params[i].type.inner_incomplete = true;
    }
    {
        struct fra_type t;
        type_facts(c, clang_getCursorResultType(cur), &t);
        if (t.pointee_incomplete)
            f->ret.pointee_incomplete = true;
        if (t.inner_incomplete)
            f->ret.inner_incomplete = true;
    }
defined:
    if (def && !f->defined) {
        struct walk w = {c, f->key, top_off(c, cur)};

        f->defined = true;
        f->loc = d.loc;
        f->tu = talloc_strdup(f, c->tu);
        f->tu_module = c->tu_module;
        f->in_header = !in_main_file(c, cur);
        f->name_off = token_off(c, cur);
        f->end_off = end_off(c, cur);
        clang_visitChildren(cur, body_visit, &w);
        if (!c->err)
            c->err = fra_uses(m, f, cur, c->tu);
    }
    return;
oom:
    c->err = -ENOMEM;
}

static bool is_const_type(CXType t)
{
    CXType ct = clang_getCanonicalType(t);

    /* Canonical array types may carry their elements' const themselves. */
    while (ct.kind == CXType_ConstantArray || ct.kind == CXType_IncompleteArray ||
           ct.kind == CXType_VariableArray) {
        if (clang_isConstQualifiedType(ct))
            return true;
        ct = clang_getCanonicalType(clang_getArrayElementType(ct));
    }
    return clang_isConstQualifiedType(ct) != 0;
}

static void do_global(struct coll *c, CXCursor cur)
{
    struct fra_model *m = c->m;
    struct walk w = {c, NULL, top_off(c, cur)};
    char *key;

    if (!clang_isCursorDefinition(cur) && clang_Cursor_hasVarDeclExternalStorage(cur))
        goto init;
    key = decl_key(c, m->ctx, cur);
    if (!key)
        goto oom;
    if (!fra_model_global(m, key)) {
        struct fra_global *g = talloc_realloc(m->ctx, m->globals, struct fra_global,
                                              m->nglobals + 1);
        if (!g)
            goto oom;
        m->globals = g;
        g = &g[m->nglobals++];
        g->key = key;
        g->name = fra_cx_spelling(m->ctx, cur);
        g->module = c->tu_module;
        g->is_const = is_const_type(clang_getCursorType(cur));
        g->loc = fra_cx_cursor_loc(m->ctx, cur);
    }
init:
    /* Addresses of functions stored by initializers belong to this file. */
    clang_visitChildren(cur, body_visit, &w);
    return;
oom:
    c->err = -ENOMEM;
}

/* ---- the file's module and the names size expressions may use ------------ */

static void do_module_decl(struct coll *c, CXCursor cur, const char *ann)
{
    struct fra_model *m = c->m;
    struct fra_moddecl *md;
    const char *colon = strchr(ann, ':');
    char *bad = NULL;

    md = talloc_realloc(m->ctx, m->moddecls, struct fra_moddecl, m->nmoddecls + 1);
    if (!md) {
        c->err = -ENOMEM;
        return;
    }
    m->moddecls = md;
    md = &md[m->nmoddecls++];
    memset(md, 0, sizeof *md);
    md->name = colon ? talloc_strndup(m->ctx, ann, (size_t)(colon - ann)) : talloc_strdup(m->ctx, ann);
    md->caps_text = talloc_strdup(m->ctx, colon ? colon + 1 : "0");
    md->loc = fra_cx_cursor_loc(m->ctx, cur);
    if (fra_caps_parse(m->ctx, md->caps_text, &md->caps, &bad) < 0) {
        const char *names[FR__NCAPS], *s;
        char *hint = talloc_strdup(m->ctx, "caps are 0 or ");

        for (size_t i = 0; i < FR__NCAPS; i++) {
            names[i] = fr__caps[i].macro;
            hint = talloc_asprintf_append(hint, "%s%s", i ? ", " : "", names[i]);
        }
        hint = talloc_asprintf_append(hint, " joined by |");
        if ((s = fr__suggest(bad, names, FR__NCAPS)) != NULL)
            hint = talloc_asprintf(m->ctx, "did you mean '%s'?", s);
        fra_model_error(m, &md->loc, hint, "unknown capability '%s' for module '%s'", bad,
                        md->name);
    }
}

/* FRACTURE_OPAQUE(type) declares a pointer to @type: its pointee names the
 * record.  A header read by several files declares it once per file, so
 * the first place is kept. */
static void do_opaque_decl(struct coll *c, CXCursor cur)
{
    struct fra_model *m = c->m;
    CXType pt = clang_getCanonicalType(clang_getPointeeType(clang_getCursorType(cur)));
    struct fra_loc loc = fra_cx_cursor_loc(m->ctx, cur);
    struct fra_opaque *o;
    const char *key;

    if (pt.kind != CXType_Record) {
        fra_model_error(m, &loc, "name the struct or union whose pointers are handles",
                        "FRACTURE_OPAQUE takes a struct or union type, not '%s'",
                        fra_cx_take(m->ctx, clang_getTypeSpelling(pt)));
        return;
    }
    key = record_of(c, pt);
    if (!key || fra_model_opaque(m, key))
        return;
    o = talloc_realloc(m->ctx, m->opaques, struct fra_opaque, m->nopaques + 1);
    if (!o) {
        c->err = -ENOMEM;
        return;
    }
    m->opaques = o;
    o = &o[m->nopaques++];
    o->record = key;
    o->name = fra_cx_take(m->ctx, clang_getTypeSpelling(pt));
    o->loc = loc;
}

static enum CXChildVisitResult enum_visit(CXCursor cur, CXCursor parent, CXClientData data)
{
    struct coll *c = data;
    char *name;

    (void)parent;
    if (clang_getCursorKind(cur) == CXCursor_EnumConstantDecl) {
        name = fra_cx_spelling(NULL, cur);
        if (!name || fra_model_add_name(c->m, name) < 0)
            c->err = -ENOMEM;
        talloc_free(name);
    }
    return CXChildVisit_Continue;
}

static enum CXChildVisitResult pass1(CXCursor cur, CXCursor parent, CXClientData data)
{
    struct coll *c = data;
    enum CXCursorKind k = clang_getCursorKind(cur);
    char *name;

    (void)parent;
    switch (k) {
    case CXCursor_EnumDecl:
        clang_visitChildren(cur, enum_visit, c);
        return CXChildVisit_Continue;
    case CXCursor_MacroDefinition:
    case CXCursor_TypedefDecl:
    case CXCursor_VarDecl:
    case CXCursor_FunctionDecl:
        break;
    default:
        return CXChildVisit_Continue;
    }
    name = fra_cx_spelling(NULL, cur);
    if (!name || fra_model_add_name(c->m, name) < 0) {
        c->err = -ENOMEM;
    } else if (k == CXCursor_VarDecl && strncmp(name, "__fr_module_decl_", 17) == 0) {
        struct fra_anns set = {NULL, 0};
        void *tmp = talloc_new(NULL);
        annotations(c, tmp, cur, false, &set);
        for (size_t i = 0; i < set.n; i++)
            if (strncmp(set.v[i], "module:", 7) == 0)
                do_module_decl(c, cur, set.v[i] + 7);
        talloc_free(tmp);
        /* Read ahead of every file, it would name the module of them all. */
        if (fra_spec_is_spec(c->m, fra_cx_cursor_loc(c->m->ctx, cur).file)) {
            struct fra_loc loc = fra_cx_cursor_loc(c->m->ctx, cur);
            fra_model_error(c->m, &loc,
                            "in a spec, name the files: FRACTURE_MODULE_FILES(name, caps, "
                            "\"a.c\", ...)",
                            "FRACTURE_MODULE in a spec file would put every source in its module");
        }
    } else if (k == CXCursor_VarDecl && strncmp(name, "__fr_opaque_decl_", 17) == 0) {
        do_opaque_decl(c, cur);
    } else if (k == CXCursor_VarDecl && strncmp(name, "__fr_module_files_", 18) == 0) {
        /* A spec's FRACTURE_MODULE_FILES (spec.c): for a file it lists, as
         * if the file began with FRACTURE_MODULE. */
        struct fra_anns set = {NULL, 0};
        void *tmp = talloc_new(NULL);
        struct fra_loc loc = fra_cx_cursor_loc(tmp, cur);
        annotations(c, tmp, cur, false, &set);
        for (size_t i = 0; i < set.n && !c->err; i++) {
            char *mod = NULL;
            if (strncmp(set.v[i], "module-files:", 13) != 0)
                continue;
            if (fra_spec_module_files(c->m, tmp, c->tu, &loc, set.v[i] + 13, &mod) < 0)
                c->err = -ENOMEM;
            else if (mod)
                do_module_decl(c, cur, mod);
        }
        talloc_free(tmp);
    }
    talloc_free(name);
    return c->err ? CXChildVisit_Break : CXChildVisit_Continue;
}

static enum CXChildVisitResult pass2(CXCursor cur, CXCursor parent, CXClientData data)
{
    struct coll *c = data;

    (void)parent;
    if (in_system(cur))
        return CXChildVisit_Continue;
    switch (clang_getCursorKind(cur)) {
    case CXCursor_FunctionDecl:
        do_function(c, cur);
        break;
    case CXCursor_VarDecl: {
        char *name = fra_cx_spelling(NULL, cur);
        if (name && strncmp(name, "__fr_module_decl_", 17) != 0 &&
            strncmp(name, "__fr_opaque_decl_", 17) != 0)
            do_global(c, cur);
        talloc_free(name);
        break;
    }
    default:
        break;
    }
    return c->err ? CXChildVisit_Break : CXChildVisit_Continue;
}

static void clang_errors(struct coll *c, CXTranslationUnit tu)
{
    unsigned n = clang_getNumDiagnostics(tu);

    for (unsigned i = 0; i < n; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            void *tmp = talloc_new(NULL);
            struct fra_loc loc = fra_cx_loc(tmp, clang_getDiagnosticLocation(d));
            char *msg = fra_cx_take(tmp, clang_getDiagnosticSpelling(d));
            char *hint = NULL;
            CXDiagnosticSet notes = clang_getChildDiagnostics(d);
            /* clang's notes name the other place ("previous declaration is
             * here"): a spec that contradicts its source shows both. */
            for (unsigned k = 0; notes && k < clang_getNumDiagnosticsInSet(notes); k++) {
                CXDiagnostic nd = clang_getDiagnosticInSet(notes, k);
                struct fra_loc nl = fra_cx_loc(tmp, clang_getDiagnosticLocation(nd));
                char *nm = fra_cx_take(tmp, clang_getDiagnosticSpelling(nd));
                /* Where the header came from is clang's noise here. */
                if (nl.file && nm && strncmp(nm, "in file included from", 21) != 0)
                    hint = talloc_asprintf(tmp, "%s%s%s: %s", hint ? hint : "",
                                           hint ? "; " : "", fra_loc_str(tmp, &nl), nm);
                clang_disposeDiagnostic(nd);
            }
            if (!loc.file)
                loc.file = c->tu;
            fra_model_error(c->m, &loc, hint, "%s", msg ? msg : "(out of memory)");
            talloc_free(tmp);
        }
        clang_disposeDiagnostic(d);
    }
}

int fra_collect(struct fra_model *m, CXTranslationUnit tu, const char *file)
{
    struct coll c = {m, NULL, "main", NULL, 0};
    CXCursor root = clang_getTranslationUnitCursor(tu);
    size_t first = m->nmoddecls;
    char **tus, **tum;

    c.tu = talloc_strdup(m->ctx, file);
    while (c.tu && strncmp(c.tu, "./", 2) == 0)
        c.tu += 2;
    if (!c.tu)
        return -ENOMEM;
    c.tu_file = clang_getFile(tu, file);
    clang_errors(&c, tu);

    clang_visitChildren(root, pass1, &c);
    if (c.err)
        return c.err;
    /* The first FRACTURE_MODULE of the file names its module. */
    for (size_t i = first; i < m->nmoddecls; i++) {
        if (i == first) {
            c.tu_module = m->moddecls[i].name;
        } else if (strcmp(m->moddecls[i].name, c.tu_module) != 0) {
            char *at = fra_loc_str(m->ctx, &m->moddecls[first].loc);
            if (fra_spec_is_spec(m, m->moddecls[first].loc.file))
                fra_model_error(m, &m->moddecls[i].loc,
                                "the spec and the source must agree: name the same module in "
                                "both, or keep only one of them",
                                "%s names module '%s' here, but FRACTURE_MODULE_FILES at %s "
                                "puts it in module '%s'",
                                c.tu, m->moddecls[i].name, at, c.tu_module);
            else
                fra_model_error(m, &m->moddecls[i].loc,
                                "one FRACTURE_MODULE per file; put a single function in "
                                "another module with FR_MODULE on its definition",
                                "%s already belongs to module '%s' (at %s)", c.tu,
                                c.tu_module, at);
        }
    }
    tus = talloc_realloc(m->ctx, m->tus, char *, m->ntus + 1);
    if (tus)
        m->tus = tus;
    tum = talloc_realloc(m->ctx, m->tu_modules, char *, m->ntus + 1);
    if (tum)
        m->tu_modules = tum;
    if (!tus || !tum)
        return -ENOMEM;
    m->tus[m->ntus] = (char *)c.tu;
    m->tu_modules[m->ntus] = talloc_strdup(m->ctx, c.tu_module);
    m->ntus++;

    clang_visitChildren(root, pass2, &c);
    return c.err;
}
