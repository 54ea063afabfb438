/*
 * uses.c - read a definition's body for what it does with each parameter,
 * so that an inference is only taken where the code agrees with it (DESIGN,
 * "Nothing silently wrong").  A pointer inferred as one element must not be
 * indexed, advanced or handed to a function that takes a buffer; nothing
 * copied for the call (nor a pointer into it, nor a lent descriptor) may be
 * stored where it outlives the call.
 *
 * The walk follows values, not control flow: a local variable that is ever
 * given a pointer derived from a parameter stands for that parameter from
 * then on (in source order).  That over-approximates, which is the safe
 * side: a false alarm asks for an explicit annotation, a miss would let a
 * split build differ from the plain one.  Only the facts are recorded here;
 * infer.c decides, once every file is read, since a handoff may name a
 * function defined later.
 *
 * libclang 14 has no operator kind for a cursor, so operators are read from
 * the tokens between the operands.
 */
#include "uses.h"

#include <errno.h>
#include <string.h>
#include <talloc.h>

#include "cx.h"

struct taint {
    CXCursor var;             /* a local variable (or a parameter reassigned) */
    unsigned param;
};

struct ua {
    struct fra_func *f;
    const char *tu;
    CXTranslationUnit unit;
    CXCursor *params;
    unsigned nparams;
    struct taint *taint;
    size_t ntaint;
    int err;
};

/* ---- small cursor helpers ---------------------------------------------- */

struct kids {
    CXCursor v[3];
    unsigned n;               /* may exceed 3: the rest are not kept */
};

static enum CXChildVisitResult kid(CXCursor cur, CXCursor parent, CXClientData data)
{
    struct kids *k = data;

    (void)parent;
    if (k->n < 3)
        k->v[k->n] = cur;
    k->n++;
    return CXChildVisit_Continue;
}

static struct kids kids_of(CXCursor cur)
{
    struct kids k = {.n = 0};

    clang_visitChildren(cur, kid, &k);
    return k;
}

/* Parentheses and casts, implicit or written, taken off. */
static CXCursor strip(CXCursor cur)
{
    for (;;) {
        enum CXCursorKind k = clang_getCursorKind(cur);
        struct kids ch;

        if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr &&
            k != CXCursor_CStyleCastExpr)
            return cur;
        ch = kids_of(cur);
        if (ch.n == 0 || ch.n > 3)
            return cur;
        /* A written cast lists its type first: the operand is last. */
        cur = ch.v[ch.n - 1];
        if (!clang_isExpression(clang_getCursorKind(cur)))
            return cur;
    }
}

static bool is_pointer(CXCursor e)
{
    return clang_getCanonicalType(clang_getCursorType(e)).kind == CXType_Pointer;
}

static bool eval_int(CXCursor e, long long *v)
{
    CXEvalResult r = clang_Cursor_Evaluate(e);
    bool ok = false;

    if (r) {
        if (clang_EvalResult_getKind(r) == CXEval_Int) {
            *v = clang_EvalResult_getAsLongLong(r);
            ok = true;
        }
        clang_EvalResult_dispose(r);
    }
    return ok;
}

static bool is_zero(CXCursor e)
{
    long long v;

    return eval_int(e, &v) && v == 0;
}

static unsigned spelling_off(CXSourceLocation loc, CXFile *file)
{
    unsigned off = 0;

    clang_getSpellingLocation(loc, file, NULL, NULL, &off);
    return off;
}

/*
 * The operator of @cur into @op ("" when it cannot be read): the first
 * token after @lhs for a binary one, else the first punctuation token or,
 * for a postfix one, the last.
 */
static void op_of(struct ua *u, CXCursor cur, const CXCursor *lhs, char op[4])
{
    CXToken *tok = NULL;
    unsigned n = 0, after = 0;
    CXFile lf = NULL;

    op[0] = '\0';
    clang_tokenize(u->unit, clang_getCursorExtent(cur), &tok, &n);
    if (lhs)
        after = spelling_off(clang_getRangeEnd(clang_getCursorExtent(*lhs)), &lf);
    for (unsigned i = 0; i < n; i++) {
        CXFile tf = NULL;
        unsigned off = spelling_off(clang_getRangeStart(clang_getTokenExtent(u->unit, tok[i])),
                                    &tf);
        unsigned pick = i;

        if (clang_getTokenKind(tok[i]) != CXToken_Punctuation)
            continue;
        if (lhs && (!lf || !tf || !clang_File_isEqual(lf, tf) || off < after))
            continue;
        if (!lhs && i != 0)
            pick = n - 1; /* postfix: "p++" */
        if (clang_getTokenKind(tok[pick]) == CXToken_Punctuation) {
            CXString s = clang_getTokenSpelling(u->unit, tok[pick]);
            const char *cs = clang_getCString(s);
            if (cs && strlen(cs) < 4)
                strcpy(op, cs);
            clang_disposeString(s);
        }
        break;
    }
    if (tok)
        clang_disposeTokens(u->unit, tok, n);
}

/* ---- which parameter a value comes from ---------------------------------- */

static int param_index(struct ua *u, CXCursor decl)
{
    for (unsigned i = 0; i < u->nparams; i++)
        if (clang_equalCursors(decl, u->params[i]))
            return (int)i;
    for (size_t i = u->ntaint; i-- > 0;)
        if (clang_equalCursors(decl, u->taint[i].var))
            return (int)u->taint[i].param;
    return -1;
}

/*
 * The parameter whose memory (or whose own value) @e carries: the
 * parameter, a local standing for it, p + k, &p[k], &p->x, p++, c ? p : q.
 * A value read through it (*p, p[i], p->x) is not the parameter.
 */
static int derived(struct ua *u, CXCursor e)
{
    struct kids ch;
    char op[4];
    int d;

    e = strip(e);
    switch (clang_getCursorKind(e)) {
    case CXCursor_DeclRefExpr: {
        CXCursor ref = clang_getCursorReferenced(e);
        enum CXCursorKind rk = clang_getCursorKind(ref);
        return rk == CXCursor_ParmDecl || rk == CXCursor_VarDecl ? param_index(u, ref) : -1;
    }
    case CXCursor_UnaryOperator:
        ch = kids_of(e);
        if (ch.n != 1)
            return -1;
        op_of(u, e, NULL, op);
        if (strcmp(op, "&") == 0) {
            CXCursor in = strip(ch.v[0]);
            enum CXCursorKind ik = clang_getCursorKind(in);
            if (ik == CXCursor_ArraySubscriptExpr || ik == CXCursor_MemberRefExpr) {
                struct kids base = kids_of(in);
                return base.n >= 1 ? derived(u, base.v[0]) : -1;
            }
            return -1;
        }
        if (strcmp(op, "++") == 0 || strcmp(op, "--") == 0)
            return derived(u, ch.v[0]);
        return -1;
    case CXCursor_BinaryOperator:
        ch = kids_of(e);
        if (ch.n != 2)
            return -1;
        op_of(u, e, &ch.v[0], op);
        if (strcmp(op, "+") == 0 || strcmp(op, "-") == 0) {
            if (is_pointer(ch.v[0]) && (d = derived(u, ch.v[0])) >= 0)
                return d;
            if (is_pointer(ch.v[1]) && strcmp(op, "+") == 0)
                return derived(u, ch.v[1]);
            return -1;
        }
        if (strcmp(op, "=") == 0 || strcmp(op, ",") == 0)
            return derived(u, ch.v[1]);
        return -1;
    case CXCursor_ConditionalOperator:
        ch = kids_of(e);
        if (ch.n != 3)
            return -1;
        d = derived(u, ch.v[1]);
        return d >= 0 ? d : derived(u, ch.v[2]);
    case CXCursor_MemberRefExpr:
    case CXCursor_ArraySubscriptExpr:
        /* w.p of a local aggregate that was given one: not a read through
         * the parameter, which stays a value */
        ch = kids_of(e);
        if (ch.n < 1 || is_pointer(ch.v[0]) || !is_pointer(e))
            return -1;
        return derived(u, ch.v[0]);
    case CXCursor_InitListExpr: {
        struct fra_cx_children a = {NULL, 0, talloc_new(NULL)};
        d = -1;
        fra_cx_children(e, &a);
        for (unsigned i = 0; i < a.n && d < 0; i++)
            d = derived(u, a.v[i]);
        talloc_free(a.ctx);
        return d;
    }
    default:
        return -1;
    }
}

/* ---- facts --------------------------------------------------------------- */

static struct fra_facts *facts(struct ua *u, int p)
{
    return &u->f->params[p].facts;
}

static void note(struct ua *u, bool *flag, struct fra_loc *at, CXCursor where)
{
    if (*flag)
        return;
    *flag = true;
    *at = fra_cx_cursor_loc(u->f, where);
}

static void stored(struct ua *u, int p, CXCursor where, const char *how, CXCursor name)
{
    struct fra_facts *fa = facts(u, p);
    char *n;

    if (fa->stored)
        return;
    note(u, &fa->stored, &fa->store_loc, where);
    n = fra_cx_spelling(u->f, name);
    fa->store_where = talloc_asprintf(u->f, how, n ? n : "?");
}

static void taint(struct ua *u, CXCursor var, int p)
{
    struct taint *t = talloc_realloc(u->f, u->taint, struct taint, u->ntaint + 1);

    if (!t) {
        u->err = -ENOMEM;
        return;
    }
    u->taint = t;
    t[u->ntaint++] = (struct taint){var, (unsigned)p};
}

/* Static or thread storage: either outlives the call. */
static bool global_storage(CXCursor var)
{
    return clang_Cursor_hasVarDeclGlobalStorage(var) == 1 ||
           clang_getCursorTLSKind(var) != CXTLS_None;
}

/*
 * @lhs = (a value carrying parameter @p).  A local takes the parameter's
 * place; a global, a static, or anything reached through a pointer keeps it
 * beyond the call.  A field or element of a local aggregate does not.
 */
static void assign(struct ua *u, CXCursor lhs, int p, CXCursor site)
{
    bool via_pointer = false;
    CXCursor cur = strip(lhs);

    for (;;) {
        enum CXCursorKind k = clang_getCursorKind(cur);
        struct kids ch;
        char op[4];

        if (k == CXCursor_MemberRefExpr || k == CXCursor_ArraySubscriptExpr) {
            ch = kids_of(cur);
            if (ch.n < 1)
                return;
            if (is_pointer(ch.v[0]))
                via_pointer = true;
            cur = strip(ch.v[0]);
            continue;
        }
        if (k == CXCursor_UnaryOperator) {
            ch = kids_of(cur);
            op_of(u, cur, NULL, op);
            if (ch.n != 1 || strcmp(op, "*") != 0)
                return;
            via_pointer = true;
            cur = strip(ch.v[0]);
            continue;
        }
        break;
    }
    if (clang_getCursorKind(cur) != CXCursor_DeclRefExpr) {
        if (via_pointer)      /* *f() = p, (*pp)[i] = p, ... */
            stored(u, p, site, "memory reached through %s", cur);
        return;
    }
    CXCursor ref = clang_getCursorReferenced(cur);
    enum CXCursorKind rk = clang_getCursorKind(ref);
    if (via_pointer)
        stored(u, p, site, "memory reached through '%s'", ref);
    else if (rk == CXCursor_VarDecl && global_storage(ref))
        stored(u, p, site,
               clang_getCursorTLSKind(ref) != CXTLS_None ? "thread-local '%s'"
               : clang_getCursorKind(clang_getCursorSemanticParent(ref)) ==
                       CXCursor_TranslationUnit
                   ? "global '%s'"
                   : "static '%s'",
               ref);
    else if (rk == CXCursor_VarDecl || rk == CXCursor_ParmDecl)
        taint(u, ref, p);     /* the local itself, or a field of a local aggregate */
}

/* The size of what the @i-th parameter of function type @ft points to, or
 * -1; whether it is void * or a char *. */
static bool generic_param(CXType ft, unsigned i, long long *elem)
{
    CXType pt, pc;

    *elem = -1;
    if (ft.kind != CXType_FunctionProto || (int)i >= clang_getNumArgTypes(ft))
        return false;
    pt = clang_getCanonicalType(clang_getArgType(ft, i));
    if (pt.kind != CXType_Pointer)
        return false;
    pc = clang_getCanonicalType(clang_getPointeeType(pt));
    return pc.kind == CXType_Void || pc.kind == CXType_Char_S || pc.kind == CXType_Char_U ||
           pc.kind == CXType_UChar || pc.kind == CXType_SChar;
}

static bool is_integer_expr(CXCursor e)
{
    enum CXTypeKind k = clang_getCanonicalType(clang_getCursorType(e)).kind;

    return (k >= CXType_Bool && k <= CXType_Int128) || k == CXType_Enum;
}

/*
 * Whether a call handing @arg (argument @i) to a buffer function touches one
 * element only: memset(p, 0, sizeof *p), memcpy(d, p, sizeof *p),
 * fwrite(p, sizeof *p, 1, f).  Some argument is one element's size and
 * every other integer argument is a constant 0, 1 or that size; a count
 * that is not a constant (qsort(v, n, sizeof *v, ...), fread(p, 4, n, f))
 * or a larger constant means a buffer.  Strict on purpose: a refusal here
 * asks only for an FR_IN(1) written by hand.
 */
static bool one_element(CXCursor cur, int nargs, unsigned i, CXCursor arg)
{
    CXType at = clang_getCanonicalType(clang_getCursorType(strip(arg)));
    long long one = at.kind == CXType_Pointer ? clang_Type_getSizeOf(clang_getPointeeType(at))
                                              : -1;
    bool sized = false;

    if (one <= 0)
        return false;
    for (unsigned k = 0; k < (unsigned)nargs; k++) {
        CXCursor a = clang_Cursor_getArgument(cur, k);
        long long v;

        if (k == i || !is_integer_expr(a))
            continue;
        if (!eval_int(a, &v) || (v != 0 && v != 1 && v != one))
            return false;
        sized |= v == one;
    }
    return sized;
}

static void call(struct ua *u, CXCursor cur)
{
    CXCursor callee = clang_getCursorReferenced(cur);
    bool direct = clang_getCursorKind(callee) == CXCursor_FunctionDecl;
    int nargs = clang_Cursor_getNumArguments(cur);
    CXType ft;

    if (nargs <= 0)
        return;
    if (direct) {
        ft = clang_getCanonicalType(clang_getCursorType(callee));
    } else {
        /* Through a pointer: nobody knows the callee, its prototype tells
         * whether it takes a buffer. */
        struct kids ch = kids_of(cur);
        if (ch.n == 0)
            return;
        ft = clang_getCanonicalType(clang_getCursorType(strip(ch.v[0])));
        if (ft.kind == CXType_Pointer)
            ft = clang_getCanonicalType(clang_getPointeeType(ft));
    }
    for (unsigned i = 0; i < (unsigned)nargs; i++) {
        CXCursor arg = clang_Cursor_getArgument(cur, i);
        int p = derived(u, arg);
        struct fra_facts *fa;
        struct fra_handoff *h;
        long long elem;

        if (p < 0)
            continue;
        fa = facts(u, p);
        h = talloc_realloc(u->f, fa->handoffs, struct fra_handoff, fa->nhandoffs + 1);
        if (!h) {
            u->err = -ENOMEM;
            return;
        }
        fa->handoffs = h;
        h = &h[fa->nhandoffs++];
        memset(h, 0, sizeof *h);
        h->callee = direct ? fra_cx_key(u->f, callee, u->tu)
                           : talloc_strdup(u->f, "(a function pointer)");
        h->arg = i;
        h->loc = fra_cx_cursor_loc(u->f, arg);
        h->generic = generic_param(ft, i, &elem);
        h->one = one_element(cur, nargs, i, arg);
    }
}

/* @e, a pointer, is read or written through: note its record. */
static void deref(struct ua *u, CXCursor e, CXCursor where)
{
    CXType pt = clang_getCanonicalType(clang_getCursorType(e));
    CXType rec;
    struct fra_deref *d;
    char *key;

    if (pt.kind != CXType_Pointer)
        return;
    rec = clang_getCanonicalType(clang_getPointeeType(pt));
    if (rec.kind != CXType_Record)
        return;
    key = fra_cx_take(u->f, clang_getCursorUSR(clang_getTypeDeclaration(rec)));
    if (!key || !*key)
        return;
    for (size_t i = 0; i < u->f->nderefs; i++)
        if (strcmp(u->f->derefs[i].record, key) == 0) {
            talloc_free(key);
            return;
        }
    d = talloc_realloc(u->f, u->f->derefs, struct fra_deref, u->f->nderefs + 1);
    if (!d) {
        u->err = -ENOMEM;
        return;
    }
    u->f->derefs = d;
    d[u->f->nderefs].record = key;
    d[u->f->nderefs].loc = fra_cx_cursor_loc(u->f, where);
    u->f->nderefs++;
}

static void walk(struct ua *u, CXCursor cur);

static enum CXChildVisitResult walk_visit(CXCursor cur, CXCursor parent, CXClientData data)
{
    struct ua *u = data;

    (void)parent;
    walk(u, cur);
    return u->err ? CXChildVisit_Break : CXChildVisit_Continue;
}

static void walk(struct ua *u, CXCursor cur)
{
    struct kids ch;
    char op[4];
    int d0, d1;

    switch (clang_getCursorKind(cur)) {
    case CXCursor_VarDecl:
        ch = kids_of(cur);
        if (ch.n >= 1 && ch.n <= 3 && clang_isExpression(clang_getCursorKind(ch.v[ch.n - 1])) &&
            (d0 = derived(u, ch.v[ch.n - 1])) >= 0 && !global_storage(cur))
            taint(u, cur, d0);
        break;
    case CXCursor_BinaryOperator:
    case CXCursor_CompoundAssignOperator:
        ch = kids_of(cur);
        if (ch.n != 2)
            break;
        d0 = derived(u, ch.v[0]);
        d1 = derived(u, ch.v[1]);
        if (d0 < 0 && d1 < 0)
            break;
        op_of(u, cur, &ch.v[0], op);
        if (strcmp(op, "=") == 0 && d1 >= 0)
            assign(u, ch.v[0], d1, cur);
        if ((strcmp(op, "+") == 0 || strcmp(op, "-") == 0 || strcmp(op, "+=") == 0 ||
             strcmp(op, "-=") == 0) && d0 >= 0 && is_pointer(ch.v[0]) && !is_zero(ch.v[1]))
            note(u, &facts(u, d0)->advanced, &facts(u, d0)->advance_loc, cur);
        if (strcmp(op, "+") == 0 && d1 >= 0 && is_pointer(ch.v[1]) && !is_zero(ch.v[0]))
            note(u, &facts(u, d1)->advanced, &facts(u, d1)->advance_loc, cur);
        break;
    case CXCursor_UnaryOperator:
        ch = kids_of(cur);
        if (ch.n != 1 || !is_pointer(ch.v[0]))
            break;
        d0 = derived(u, ch.v[0]);
        op_of(u, cur, NULL, op);
        if (d0 >= 0 && (strcmp(op, "++") == 0 || strcmp(op, "--") == 0))
            note(u, &facts(u, d0)->advanced, &facts(u, d0)->advance_loc, cur);
        if (strcmp(op, "*") == 0)
            deref(u, ch.v[0], cur);
        break;
    case CXCursor_ArraySubscriptExpr:
        ch = kids_of(cur);
        if (ch.n == 2 && (d0 = derived(u, ch.v[0])) >= 0 && !is_zero(ch.v[1]))
            note(u, &facts(u, d0)->indexed, &facts(u, d0)->index_loc, cur);
        if (ch.n == 2)
            deref(u, ch.v[0], cur);
        break;
    case CXCursor_MemberRefExpr:
        ch = kids_of(cur);
        if (ch.n >= 1)
            deref(u, ch.v[0], cur);   /* only p->x: a struct value is no pointer */
        break;
    case CXCursor_CallExpr:
        call(u, cur);
        break;
    default:
        break;
    }
    if (!u->err)
        clang_visitChildren(cur, walk_visit, u);
}

int fra_uses(struct fra_model *m, struct fra_func *f, CXCursor fn, const char *tu)
{
    struct ua u = {.f = f, .tu = tu, .unit = clang_Cursor_getTranslationUnit(fn)};

    (void)m;
    u.nparams = f->nparams;
    u.params = talloc_array(f, CXCursor, f->nparams + 1);
    if (!u.params)
        return -ENOMEM;
    for (unsigned i = 0; i < f->nparams; i++)
        u.params[i] = clang_Cursor_getArgument(fn, i);
    clang_visitChildren(fn, walk_visit, &u);
    talloc_free(u.params);
    talloc_free(u.taint);
    return u.err;
}
