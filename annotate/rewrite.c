/*
 * rewrite.c - one input file made fractured (see gen.h for the scheme):
 * a header of "#define NAME __fr_stub_NAME" for the functions of other
 * files it reaches across modules, "#line 1" back to the original, the
 * original text with its few token edits, then the generated code.
 *
 * Edits never add or remove a line, so that every line of the original
 * keeps its number for the compiler, the debugger and __LINE__.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "gen.h"

struct edit {
    unsigned off, len;        /* replace len bytes at off ... */
    const char *text;         /* ... with this */
    const char *sort;         /* order among edits at one offset */
};

struct rw {
    struct fra_gen *g;
    const char *tu;
    const char *src;
    size_t len;
    void *ctx;
    struct edit *edits;
    size_t nedits;
    const char **defines;     /* external functions renamed to their stubs */
    size_t ndefines;
};

static int add_edit(struct rw *w, unsigned off, unsigned len, const char *text,
                    const char *sort)
{
    struct edit *e = talloc_realloc(w->ctx, w->edits, struct edit, w->nedits + 1);

    if (!e || !text)
        return -ENOMEM;
    w->edits = e;
    e[w->nedits++] = (struct edit){off, len, text, sort};
    return 0;
}

static int add_define(struct rw *w, const char *name)
{
    const char **d;

    for (size_t i = 0; i < w->ndefines; i++)
        if (strcmp(w->defines[i], name) == 0)
            return 0;
    d = talloc_realloc(w->ctx, w->defines, const char *, w->ndefines + 1);
    if (!d)
        return -ENOMEM;
    w->defines = d;
    d[w->ndefines++] = name;
    return 0;
}

static int cmp_edit(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;

    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    /* Insertions (len 0) before the replacement at the same place. */
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return strcmp(x->sort, y->sort);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static char *read_file(void *ctx, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = talloc_size(ctx, (size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n)
            buf = NULL;
        if (buf) {
            buf[n] = '\0';
            *len = (size_t)n;
        }
    }
    fclose(f);
    return buf;
}

/* A string literal naming @path for #line. */
static char *quoted(void *ctx, const char *path)
{
    char *q = talloc_strdup(ctx, "\"");

    for (const char *p = path; q && *p; p++)
        q = talloc_asprintf_append_buffer(q, "%s%c", *p == '"' || *p == '\\' ? "\\" : "", *p);
    return q ? talloc_asprintf_append_buffer(q, "\"") : NULL;
}

/* Whether @name is written at @off as a whole identifier. */
static bool names_at(const struct rw *w, unsigned off, const char *name)
{
    size_t n = strlen(name);
    char after;

    if (off == FRA_NO_OFF || off + n > w->len || strncmp(w->src + off, name, n) != 0)
        return false;
    after = off + n < w->len ? w->src[off + n] : ' ';
    return !(after == '_' || (after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') ||
             (after >= '0' && after <= '9'));
}

/* Every reference of this file to a function of another module. */
static int plan_refs(struct rw *w)
{
    struct fra_model *m = w->g->m;
    int rc = 0;

    for (size_t i = 0; i < m->ncalls && rc == 0; i++) {
        const struct fra_call *c = &m->calls[i];
        struct fra_func *f;
        char *stub, *proto;

        if (!c->tu || strcmp(c->tu, w->tu) != 0)
            continue;
        f = fra_model_func(m, c->callee);
        if (!f || fra_gen_fn_index(w->g, f) < 0 || strcmp(f->module, c->from) == 0)
            continue;
        stub = fra_gen_stub_name(w->ctx, f);
        if (strcmp(f->tu, w->tu) != 0) {
            rc = add_define(w, f->name);
            continue;
        }
        /* The function is defined here: only this reference may change,
         * and only where its name is written (libclang may place a use
         * inside a macro at the macro's name). */
        if (!names_at(w, c->name_off, f->name) || c->top_off == FRA_NO_OFF) {
            fra_model_error(m, &c->loc,
                            "write the call in the file itself, outside macros, or define the "
                            "function in another file",
                            "'%s' of module '%s' is reached from module '%s' through a macro or "
                            "a header of the file that defines it",
                            f->name, f->module, c->from);
            continue;
        }
        proto = talloc_asprintf(w->ctx, "%s__typeof__(%s) %s; ", f->internal ? "static " : "",
                                f->name, stub);
        rc = add_edit(w, c->top_off, 0, proto, f->name);
        if (rc == 0)
            rc = add_edit(w, c->name_off, (unsigned)strlen(f->name), stub, f->name);
    }
    return rc;
}

/* main() becomes __fr_user_main(), with the "return 0" C gives main. */
static int plan_main(struct rw *w, char **adapter)
{
    struct fra_model *m = w->g->m;
    struct fra_func *f = fra_model_func(m, "main");

    *adapter = NULL;
    if (!f || !f->defined || strcmp(f->tu, w->tu) != 0)
        return 0;
    if (!names_at(w, f->name_off, "main") || f->end_off == FRA_NO_OFF || f->end_off > w->len) {
        fra_model_error(m, &f->loc, "define main() in the file itself, not through a macro",
                        "cannot rename main() for fr_main()");
        return 0;
    }
    if (add_edit(w, f->name_off, 4, "__fr_user_main", "main") < 0)
        return -ENOMEM;
    /* Falling off the end of main() returns 0; of any other function, not. */
    for (unsigned off = f->end_off; off > f->name_off; off--) {
        if (w->src[off - 1] != '}')
            continue;
        if (add_edit(w, off - 1, 0, " return 0; ", "main") < 0)
            return -ENOMEM;
        break;
    }
    switch (f->nparams) {
    case 0:
        *adapter = talloc_strdup(w->ctx, "    (void)argc;\n    (void)argv;\n"
                                         "    return __fr_user_main();\n");
        break;
    case 2:
        *adapter = talloc_strdup(w->ctx, "    return __fr_user_main(argc, argv);\n");
        break;
    default:
        *adapter = talloc_strdup(w->ctx, "    extern char **environ;\n"
                                         "    return __fr_user_main(argc, argv, environ);\n");
        break;
    }
    return *adapter ? 0 : -ENOMEM;
}

int fra_rewrite_tu(struct fra_gen *g, const char *tu)
{
    struct fra_model *m = g->m;
    struct rw w = {g, tu, NULL, 0, talloc_new(g->ctx), NULL, 0, NULL, 0};
    char *src, *out, *path, *abs, *adapter = NULL;
    size_t len, at = 0, lines = 0;
    int rc;

    if (!w.ctx)
        return -ENOMEM;
    src = read_file(w.ctx, tu, &len);
    w.src = src;
    w.len = len;
    if (!src) {
        struct fra_loc loc = {tu, 0, 0};
        fra_model_error(m, &loc, NULL, "cannot read %s to rewrite it", tu);
        rc = 0;
        goto out;
    }
    rc = plan_refs(&w);
    if (rc == 0)
        rc = plan_main(&w, &adapter);
    if (rc < 0)
        goto out;
    fra_sort(w.edits, w.nedits, sizeof *w.edits, cmp_edit);
    fra_sort(w.defines, w.ndefines, sizeof *w.defines, cmp_str);

    abs = realpath(tu, NULL);
    out = talloc_asprintf(w.ctx, "/* Generated by fracture-annotate from %s. Do not edit. */\n",
                          tu);
    for (size_t i = 0; out && i < w.ndefines; i++)
        out = talloc_asprintf_append_buffer(out, "#define %s __fr_stub_%s\n", w.defines[i],
                                            w.defines[i]);
    if (out)
        out = talloc_asprintf_append_buffer(out, "#line 1 %s\n", quoted(w.ctx, abs ? abs : tu));
    free(abs);
    for (size_t i = 0; out && i < w.nedits; i++) {
        const struct edit *e = &w.edits[i];
        if (e->off < at || e->off + e->len > len)
            continue;         /* a second reference at one place */
        out = talloc_asprintf_append_buffer(out, "%.*s%s", (int)(e->off - at), src + at, e->text);
        at = e->off + e->len;
    }
    if (out)
        out = talloc_asprintf_append_buffer(out, "%s%s", src + at,
                                            len && src[len - 1] != '\n' ? "\n" : "");
    path = fra_gen_outpath(w.ctx, g->outdir, tu);
    if (!out || !path) {
        rc = -ENOMEM;
        goto out;
    }
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    out = talloc_asprintf_append_buffer(out, "#line %zu %s\n", lines + 2, quoted(w.ctx, path));
    if (out && adapter)
        out = talloc_asprintf_append_buffer(out,
                                            "\nint __fr_main(int argc, char **argv);\n"
                                            "int __fr_main(int argc, char **argv)\n{\n%s}\n",
                                            adapter);
    if (!out) {
        rc = -ENOMEM;
        goto out;
    }
    rc = fra_emit_tu(g, tu, &out);
    if (rc == 0 && m->nerrs == 0)
        rc = fra_write_if_changed(path, out, strlen(out));
out:
    talloc_free(w.ctx);
    return rc;
}
