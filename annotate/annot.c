/*
 * annot.c - reading annotation text back: caps, macro spellings and the
 * identifiers of FR_IN(n) / FR_COUNT(n) / FR_RET(n) expressions.
 */
#include "annot.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <talloc.h>

#include "abi.h"
#include "caps.h"
#include "model.h"

int fra_caps_parse(void *ctx, const char *text, unsigned *mask, char **bad)
{
    const char *p = text;

    *mask = 0;
    *bad = NULL;
    while (*p) {
        size_t len;
        bool known = false;

        while (*p == ' ' || *p == '\t' || *p == '|' || *p == '(' || *p == ')')
            p++;
        if (!*p)
            break;
        len = strcspn(p, " \t|()");
        if (len == 1 && *p == '0')
            known = true;
        for (size_t i = 0; i < FR__NCAPS; i++)
            if (strlen(fr__caps[i].macro) == len && strncmp(fr__caps[i].macro, p, len) == 0) {
                *mask |= fr__caps[i].bit;
                known = true;
            }
        if (!known) {
            *bad = talloc_strndup(ctx, p, len);
            return -EINVAL;
        }
        p += len;
    }
    return 0;
}

static const struct {
    const char *ann, *macro;
    bool arg;
} macros[] = {
    {"in", "FR_IN", true},         {"out", "FR_OUT", true},
    {"inout", "FR_INOUT", true},   {"string", "FR_STRING", false},
    {"count", "FR_COUNT", true},   {"opaque", "FR_OPAQUE", false},
    {"callback", "FR_CALLBACK", false}, {"fd", "FR_FD", false},
    {"fd-keep", "FR_FD_KEEP", false},
    {"ret-fd", "FR_RET_FD", false}, {"ret", "FR_RET", true},
    {"ret-string", "FR_RET_STRING", false},
    {"ret-opaque", "FR_RET_OPAQUE", false},
    {"ret-owned", "FR_RET_OWNED", false}, {"init", "FR_INIT", false},
    {"on-failure", "FR_ON_FAILURE", true},
    {"fn-module", "FR_MODULE", true}, {"module", "FRACTURE_MODULE", true},
};

char *fra_ann_macro(void *ctx, const char *ann)
{
    size_t klen = strcspn(ann, ":");

    for (size_t i = 0; i < sizeof macros / sizeof *macros; i++) {
        if (strlen(macros[i].ann) != klen || strncmp(macros[i].ann, ann, klen))
            continue;
        if (!macros[i].arg || !ann[klen])
            return talloc_strdup(ctx, macros[i].macro);
        char *arg = talloc_strdup(ctx, ann + klen + 1);
        /* Two-argument macros were stringified as "a:b". */
        if (arg && (strcmp(macros[i].ann, "on-failure") == 0 ||
                    strstr(macros[i].ann, "module"))) {
            char *colon = strrchr(arg, ':');
            if (colon) {
                *colon = '\0';
                arg = talloc_asprintf(ctx, "%s, %s", arg, colon + 1);
            }
        }
        return talloc_asprintf(ctx, "%s(%s)", macros[i].macro, arg ? arg : "");
    }
    return talloc_asprintf(ctx, "annotate(\"fracture:%s\")", ann);
}

char *fra_anns_macros(void *ctx, const struct fra_anns *a)
{
    char *s = talloc_strdup(ctx, "");

    for (size_t i = 0; i < a->n && s; i++)
        s = talloc_asprintf_append(s, "%s%s", i ? " " : "",
                                   fra_ann_macro(s, a->v[i]));
    return s;
}

static const char *const keywords[] = {
    "sizeof", "_Alignof", "alignof", "char", "short", "int", "long",
    "unsigned", "signed", "float", "double", "void", "_Bool", "bool",
    "const", "volatile", "struct", "union", "enum", "size_t", "ssize_t",
    "true", "false", "NULL",
};

/*
 * One scanner for size expressions: @visit sees every identifier that must
 * name something (keywords, tags, member names and callees left out), with
 * its place in @expr.  A nonzero return of @visit stops the scan.
 */
typedef int (*ident_fn)(void *arg, const char *start, size_t len);

static int scan_idents(const char *expr, ident_fn visit, void *arg)
{
    const char *p = expr;
    bool skip_next = false;   /* a tag or a member name follows */
    int rc;

    while (*p) {
        if (isalpha((unsigned char)*p) || *p == '_') {
            const char *start = p;
            bool kw = false;
            while (isalnum((unsigned char)*p) || *p == '_')
                p++;
            size_t len = (size_t)(p - start);
            const char *q = p;
            while (*q == ' ')
                q++;
            for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
                if (strlen(keywords[i]) == len && !strncmp(keywords[i], start, len))
                    kw = true;
            if (!kw && !skip_next && *q != '(' && (rc = visit(arg, start, len)) != 0)
                return rc;
            skip_next = len == 6 && (!strncmp(start, "struct", 6)) ? true
                      : len == 5 && !strncmp(start, "union", 5)   ? true
                      : len == 4 && !strncmp(start, "enum", 4);
            continue;
        }
        if (isdigit((unsigned char)*p)) {  /* 0x10, 1e3, 10u: one number */
            while (isalnum((unsigned char)*p) || *p == '.')
                p++;
            skip_next = false;
            continue;
        }
        if (*p == '.' || (*p == '-' && p[1] == '>')) {
            p += *p == '.' ? 1 : 2;
            skip_next = true;
            continue;
        }
        if (*p == '\'' || *p == '"') {     /* literals name nothing */
            char quote = *p++;
            while (*p && *p != quote)
                p += *p == '\\' && p[1] ? 2 : 1;
            if (*p)
                p++;
            continue;
        }
        if (*p != ' ')
            skip_next = false;
        p++;
    }
    return 0;
}

struct idents {
    void *ctx;
    char ***out;
    size_t *n;
};

static int add_ident(void *arg, const char *start, size_t len)
{
    struct idents *id = arg;
    char **v = talloc_realloc(id->ctx, *id->out, char *, *id->n + 1);

    if (!v)
        return -ENOMEM;
    *id->out = v;
    v[*id->n] = talloc_strndup(v, start, len);
    if (!v[*id->n])
        return -ENOMEM;
    (*id->n)++;
    return 0;
}

int fra_expr_idents(void *ctx, const char *expr, char ***out, size_t *n)
{
    struct idents id = {ctx, out, n};

    *out = NULL;
    *n = 0;
    return scan_idents(expr, add_ident, &id);
}

struct subst {
    const char *expr, *done;  /* copied up to here */
    const char *const *names;
    size_t nnames;
    const char *prefix;
    char *out;
};

static int subst_ident(void *arg, const char *start, size_t len)
{
    struct subst *s = arg;

    for (size_t i = 0; i < s->nnames; i++) {
        if (strlen(s->names[i]) != len || strncmp(s->names[i], start, len) != 0)
            continue;
        s->out = talloc_asprintf_append_buffer(s->out, "%.*s%s", (int)(start - s->done),
                                               s->done, s->prefix);
        if (!s->out)
            return -ENOMEM;
        s->done = start;
        break;
    }
    return 0;
}

char *fra_expr_subst(void *ctx, const char *expr, const char *const *names, size_t n,
                     const char *prefix)
{
    struct subst s = {expr, expr, names, n, prefix, talloc_strdup(ctx, "")};

    if (!s.out || scan_idents(expr, subst_ident, &s) < 0 || !s.out)
        return NULL;
    return talloc_asprintf_append_buffer(s.out, "%s", s.done);
}
