/*
 * gen.c - the code generator's driver (gen.h): which functions get stubs
 * and their table order, the names generated code uses, and writing every
 * output only when it changed, so that a rebuild recompiles only what a
 * change touched.
 */
#include "gen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <talloc.h>
#include <unistd.h>

/* rewrite.c */
int fra_rewrite_tu(struct fra_gen *g, const char *tu);

char *fra_gen_outpath(void *ctx, const char *outdir, const char *tu)
{
    char *out = talloc_strdup(ctx, outdir);
    const char *p = tu;

    /* One component at a time: "" and "." vanish, ".." becomes "__". */
    while (out && *p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);

        if (len == 2 && strncmp(p, "..", 2) == 0)
            out = talloc_asprintf_append_buffer(out, "/__");
        else if (len > 0 && !(len == 1 && *p == '.'))
            out = talloc_asprintf_append_buffer(out, "/%.*s", (int)len, p);
        p += len;
        if (*p == '/')
            p++;
    }
    return out;
}

unsigned fra_gen_module(const struct fra_gen *g, const char *module)
{
    for (size_t i = 0; i < g->m->nmodules; i++)
        if (strcmp(g->m->modules[i].name, module) == 0)
            return (unsigned)i;
    return 0;
}

int fra_gen_fn_index(const struct fra_gen *g, const struct fra_func *f)
{
    for (size_t i = 0; i < g->nfns; i++)
        if (g->fns[i] == f)
            return (int)i;
    return -1;
}

char *fra_gen_mangle(void *ctx, const struct fra_func *f)
{
    char *s;

    if (!f->internal)
        return talloc_strdup(ctx, f->name);
    s = talloc_asprintf(ctx, "%s__%s", f->tu, f->name);
    for (char *p = s; p && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            *p = '_';
    return s;
}

char *fra_gen_stub_name(void *ctx, const struct fra_func *f)
{
    char *mn = fra_gen_mangle(ctx, f);

    return mn ? talloc_asprintf(ctx, "__fr_stub_%s", mn) : NULL;
}

static int mkdirs(const char *path)
{
    char *copy = strdup(path);
    int rc = 0;

    if (!copy)
        return -ENOMEM;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0777) < 0 && errno != EEXIST)
            rc = -errno;
        *p = '/';
        if (rc < 0)
            break;
    }
    free(copy);
    return rc;
}

int fra_write_if_changed(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "rb");
    char *tmp;
    int rc = 0;

    if (f) {
        char *old = malloc(len + 1);
        size_t n = old ? fread(old, 1, len + 1, f) : 0;
        bool same = old && n == len && memcmp(old, data, len) == 0;
        free(old);
        fclose(f);
        if (same)
            return 0;
    }
    rc = mkdirs(path);
    if (rc < 0)
        return rc;
    /* Write beside, then rename: a build that stops half-way never leaves
     * a truncated file that looks up to date. */
    if (asprintf(&tmp, "%s.tmp%ld", path, (long)getpid()) < 0)
        return -ENOMEM;
    f = fopen(tmp, "wb");
    if (!f) {
        rc = -errno;
        free(tmp);
        return rc;
    }
    if (fwrite(data, 1, len, f) != len)
        rc = -EIO;
    if (fclose(f) != 0 && rc == 0)
        rc = -errno;
    if (rc == 0 && rename(tmp, path) < 0)
        rc = -errno;
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

static int cmp_func(const void *a, const void *b)
{
    const struct fra_func *x = *(struct fra_func *const *)a, *y = *(struct fra_func *const *)b;

    return strcmp(x->key, y->key);
}

int fra_generate(struct fra_model *m, const char *outdir, const char *app)
{
    struct fra_gen g = {m, talloc_new(m->ctx), outdir, app, NULL, 0, 0};
    char *path, *text;
    int rc = 0;

    if (!g.ctx)
        return -ENOMEM;
    /* Table order: every function with a stub, by key; stable for the
     * same sources. */
    g.fns = talloc_array(g.ctx, struct fra_func *, m->nfuncs + 1);
    if (!g.fns)
        return -ENOMEM;
    for (size_t i = 0; i < m->nfuncs; i++) {
        struct fra_func *f = m->funcs[i];
        if (fra_func_crosses(f) && strcmp(f->name, "main") != 0)
            g.fns[g.nfns++] = f;
    }
    fra_sort(g.fns, g.nfns, sizeof *g.fns, cmp_func);
    {
        struct fra_func *mainf = fra_model_func(m, "main");
        if (!mainf || !mainf->defined) {
            struct fra_loc loc = {m->ntus ? m->tus[0] : "-", 0, 0};
            fra_model_error(m, &loc, "give every file of the program, main()'s included",
                            "no main() among the files: a fractured program starts in main()");
        }
    }

    for (size_t i = 0; i < m->ntus && rc == 0; i++)
        rc = fra_rewrite_tu(&g, m->tus[i]);
    if (rc < 0)
        goto out;
    text = fra_emit_table(&g, g.ctx);
    path = talloc_asprintf(g.ctx, "%s/fracture_app.c", outdir);
    if (!text || !path) {
        rc = -ENOMEM;
        goto out;
    }
    if (m->nerrs == 0)
        rc = fra_write_if_changed(path, text, strlen(text));
out:
    talloc_free(g.ctx);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A file name in a Makefile rule: spaces, '#' and '$' escaped. */
static char *make_escaped(void *ctx, const char *name)
{
    char *s = talloc_strdup(ctx, "");

    for (const char *p = name; s && *p; p++)
        s = talloc_asprintf_append_buffer(s, "%s%c", *p == ' ' || *p == '#' ? "\\"
                                                     : *p == '$'             ? "$"
                                                                             : "",
                                          *p);
    return s;
}

int fra_write_depfile(struct fra_model *m, const char *path, const char *target)
{
    void *tmp = talloc_new(NULL);
    char *text;
    int rc;

    if (!tmp)
        return -ENOMEM;
    fra_sort(m->deps, m->ndeps, sizeof *m->deps, cmp_str);
    text = talloc_asprintf(tmp, "%s:", make_escaped(tmp, target));
    for (size_t i = 0; text && i < m->ndeps; i++)
        text = talloc_asprintf_append_buffer(text, " \\\n  %s", make_escaped(tmp, m->deps[i]));
    if (text)
        text = talloc_asprintf_append_buffer(text, "\n");
    rc = text ? fra_write_if_changed(path, text, strlen(text)) : -ENOMEM;
    talloc_free(tmp);
    return rc;
}
