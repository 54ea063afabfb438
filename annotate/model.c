/*
 * model.c - storage and resolution of the module model (model.h): lookups,
 * the module of every function and call once all files are read, and the
 * error list, printed sorted so that output does not depend on the order
 * in which files or declarations were visited.
 */
#include "model.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#define GROW(ctx, arr, n, type)                                                \
    ((arr) = talloc_realloc((ctx), (arr), type, (n) + 1))

/* qsort() for arrays that may be empty (and then NULL). */
void fra_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    if (n > 1)
        qsort(base, n, size, cmp);
}

struct fra_model *fra_model_new(void *ctx)
{
    struct fra_model *m = talloc_zero(ctx, struct fra_model);

    if (m)
        m->ctx = m;
    return m;
}

struct fra_func *fra_model_func(struct fra_model *m, const char *key)
{
    /* Linear while collecting; inputs hold hundreds of functions at most,
     * and resolve() sorts them for the later binary searches. */
    for (size_t i = 0; i < m->nfuncs; i++)
        if (strcmp(m->funcs[i]->key, key) == 0)
            return m->funcs[i];
    return NULL;
}

struct fra_func *fra_model_func_add(struct fra_model *m, const char *key)
{
    struct fra_func *f = talloc_zero(m->ctx, struct fra_func);

    if (!f || !GROW(m->ctx, m->funcs, m->nfuncs, struct fra_func *))
        return NULL;
    f->key = talloc_strdup(f, key);
    f->name_off = FRA_NO_OFF;
    f->end_off = FRA_NO_OFF;
    m->funcs[m->nfuncs++] = f;
    return f;
}

struct fra_record *fra_model_record(struct fra_model *m, const char *key)
{
    for (size_t i = 0; i < m->nrecords; i++)
        if (strcmp(m->records[i]->key, key) == 0)
            return m->records[i];
    return NULL;
}

struct fra_record *fra_model_record_add(struct fra_model *m, const char *key)
{
    struct fra_record *r = talloc_zero(m->ctx, struct fra_record);

    if (!r || !GROW(m->ctx, m->records, m->nrecords, struct fra_record *))
        return NULL;
    r->key = talloc_strdup(r, key);
    m->records[m->nrecords++] = r;
    return r;
}

struct fra_module *fra_model_module(struct fra_model *m, const char *name)
{
    for (size_t i = 0; i < m->nmodules; i++)
        if (strcmp(m->modules[i].name, name) == 0)
            return &m->modules[i];
    return NULL;
}

const struct fra_global *fra_model_global(const struct fra_model *m, const char *key)
{
    for (size_t i = 0; i < m->nglobals; i++)
        if (strcmp(m->globals[i].key, key) == 0)
            return &m->globals[i];
    return NULL;
}

const struct fra_opaque *fra_model_opaque(const struct fra_model *m, const char *record)
{
    for (size_t i = 0; record && i < m->nopaques; i++)
        if (strcmp(m->opaques[i].record, record) == 0)
            return &m->opaques[i];
    return NULL;
}

const char *fra_model_tu_module(const struct fra_model *m, const char *tu)
{
    for (size_t i = 0; i < m->ntus; i++)
        if (strcmp(m->tus[i], tu) == 0)
            return m->tu_modules[i];
    return "main";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int fra_model_add_name(struct fra_model *m, const char *name)
{
    if (!GROW(m->ctx, m->names, m->nnames, char *))
        return -ENOMEM;
    m->names[m->nnames] = talloc_strdup(m->names, name);
    if (!m->names[m->nnames])
        return -ENOMEM;
    m->nnames++;
    return 0;
}

bool fra_model_has_name(const struct fra_model *m, const char *name)
{
    /* names is sorted by resolve(); before that nothing asks. */
    return m->nnames && bsearch(&name, m->names, m->nnames, sizeof *m->names, cmp_str) != NULL;
}

int fra_anns_add(void *ctx, struct fra_anns *a, const char *s)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], s) == 0)
            return 0;         /* a set: an inherited copy adds nothing */
    if (!GROW(ctx, a->v, a->n, char *))
        return -ENOMEM;
    a->v[a->n] = talloc_strdup(ctx, s);
    if (!a->v[a->n])
        return -ENOMEM;
    a->n++;
    fra_sort(a->v, a->n, sizeof *a->v, cmp_str);
    return 0;
}

bool fra_anns_equal(const struct fra_anns *a, const struct fra_anns *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return false;
    return true;
}

const char *fra_anns_find(const struct fra_anns *a, const char *prefix)
{
    size_t len = strlen(prefix);

    for (size_t i = 0; i < a->n; i++)
        if (strncmp(a->v[i], prefix, len) == 0 &&
            (a->v[i][len] == '\0' || a->v[i][len] == ':'))
            return a->v[i][len] ? a->v[i] + len + 1 : a->v[i] + len;
    return NULL;
}

void fra_model_error(struct fra_model *m, const struct fra_loc *loc,
                     const char *hint, const char *fmt, ...)
{
    struct fra_err *e;
    va_list ap;

    if (!GROW(m->ctx, m->errs, m->nerrs, struct fra_err))
        return;
    e = &m->errs[m->nerrs++];
    e->loc = *loc;
    e->loc.file = talloc_strdup(m->errs, loc->file ? loc->file : "<unknown>");
    va_start(ap, fmt);
    e->msg = talloc_vasprintf(m->errs, fmt, ap);
    va_end(ap);
    e->hint = hint ? talloc_strdup(m->errs, hint) : NULL;
}

int fra_loc_cmp(const struct fra_loc *a, const struct fra_loc *b)
{
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");

    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return 0;
}

char *fra_loc_str(void *ctx, const struct fra_loc *loc)
{
    return talloc_asprintf(ctx, "%s:%u:%u", loc->file ? loc->file : "<unknown>",
                           loc->line, loc->col);
}

static int cmp_err(const void *pa, const void *pb)
{
    const struct fra_err *a = pa, *b = pb;
    int c = fra_loc_cmp(&a->loc, &b->loc);

    if (c)
        return c;
    c = strcmp(a->msg ? a->msg : "", b->msg ? b->msg : "");
    if (c)
        return c;
    return strcmp(a->hint ? a->hint : "", b->hint ? b->hint : "");
}

size_t fra_model_report(struct fra_model *m, int json)
{
    struct fr_diag d;
    void *tmp = talloc_new(m->ctx);

    fra_sort(m->errs, m->nerrs, sizeof *m->errs, cmp_err);
    fr__diag_init(&d, tmp);
    for (size_t i = 0; i < m->nerrs; i++) {
        /* A header is read once per translation unit that includes it. */
        if (i > 0 && cmp_err(&m->errs[i - 1], &m->errs[i]) == 0)
            continue;
        fr__diag_add(&d, m->errs[i].loc.file, m->errs[i].loc.line,
                     m->errs[i].loc.col, m->errs[i].hint, "%s",
                     m->errs[i].msg ? m->errs[i].msg : "(out of memory)");
    }
    if (json) {
        fputs("{\"errors\": ", stdout);
        fr__diag_print_json(&d, stdout);
        fputs("}\n", stdout);
    } else {
        fr__diag_print(&d, stderr);
    }
    size_t n = d.n;
    talloc_free(tmp);
    return n;
}

static int cmp_func(const void *a, const void *b)
{
    return strcmp((*(struct fra_func *const *)a)->key, (*(struct fra_func *const *)b)->key);
}

static const char *func_module(struct fra_model *m, const char *key, const char *fallback)
{
    struct fra_func *f = key ? fra_model_func(m, key) : NULL;

    return f && f->module ? f->module : fallback;
}

static int add_module_file(struct fra_model *m, struct fra_module *mod, const char *tu)
{
    for (size_t i = 0; i < mod->nfiles; i++)
        if (strcmp(mod->files[i], tu) == 0)
            return 0;
    if (!GROW(m->ctx, mod->files, mod->nfiles, char *))
        return -ENOMEM;
    mod->files[mod->nfiles++] = talloc_strdup(m->ctx, tu);
    fra_sort(mod->files, mod->nfiles, sizeof *mod->files, cmp_str);
    return 0;
}

static struct fra_module *ensure_module(struct fra_model *m, const char *name)
{
    struct fra_module *mod = fra_model_module(m, name);

    if (mod)
        return mod;
    if (!GROW(m->ctx, m->modules, m->nmodules, struct fra_module))
        return NULL;
    mod = &m->modules[m->nmodules++];
    memset(mod, 0, sizeof *mod);
    mod->name = talloc_strdup(m->ctx, name);
    /* The first place that names a module sets its caps; check.c reports
     * every other place that disagrees. */
    for (size_t i = 0; i < m->nmoddecls; i++)
        if (strcmp(m->moddecls[i].name, name) == 0) {
            mod->caps = m->moddecls[i].caps;
            break;
        }
    return mod;
}

static int cmp_module(const void *pa, const void *pb)
{
    const struct fra_module *a = pa, *b = pb;

    /* Module 0 is always main (abi.h). */
    if (strcmp(a->name, "main") == 0)
        return strcmp(b->name, "main") == 0 ? 0 : -1;
    if (strcmp(b->name, "main") == 0)
        return 1;
    return strcmp(a->name, b->name);
}

static int cmp_moddecl(const void *pa, const void *pb)
{
    const struct fra_moddecl *a = pa, *b = pb;

    return fra_loc_cmp(&a->loc, &b->loc);
}

int fra_model_resolve(struct fra_model *m)
{
    fra_sort(m->funcs, m->nfuncs, sizeof *m->funcs, cmp_func);
    fra_sort(m->names, m->nnames, sizeof *m->names, cmp_str);
    fra_sort(m->moddecls, m->nmoddecls, sizeof *m->moddecls, cmp_moddecl);

    if (!ensure_module(m, "main"))
        return -ENOMEM;
    for (size_t i = 0; i < m->ntus; i++) {
        struct fra_module *mod = ensure_module(m, m->tu_modules[i]);
        if (!mod || add_module_file(m, mod, m->tus[i]) < 0)
            return -ENOMEM;
    }
    for (size_t i = 0; i < m->nfuncs; i++) {
        struct fra_func *f = m->funcs[i];
        const char *fm = fra_anns_find(&f->ann, "fn-module");

        f->module = f->tu_module ? f->tu_module : "main";
        if (fm) {
            const char *colon = strchr(fm, ':');
            f->module = colon ? talloc_strndup(f, fm, (size_t)(colon - fm))
                              : talloc_strdup(f, fm);
        }
        if (!f->module)
            return -ENOMEM;
    }
    /* Modules named only by FR_MODULE. */
    for (size_t i = 0; i < m->nmoddecls; i++)
        if (!ensure_module(m, m->moddecls[i].name))
            return -ENOMEM;
    fra_sort(m->modules, m->nmodules, sizeof *m->modules, cmp_module);

    for (size_t i = 0; i < m->ncalls; i++) {
        struct fra_call *c = &m->calls[i];
        c->from = func_module(m, c->caller, c->caller_tu_module);
    }
    return 0;
}
