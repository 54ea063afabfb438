/*
 * trace_read.c - training traces from JSON (jansson) into one sum
 * (trace_read.h).
 *
 * Each file is read into a trace of its own, checked field by field, and
 * only then added to the sum, so that a refused file changes nothing.
 * Messages name the file and the JSON path of the value at fault; user
 * text in them is escaped (fr__show) since a trace may hold anything.
 */
#include "trace_read.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <talloc.h>

#include "slurp.h"
#include "yaml_walk.h"        /* fr__show, fr__walk_ident */

#define TRACE_FORMAT "fracture-trace"
#define TRACE_VERSION 1

/* What to do about a field that is wrong: the file was not written so. */
#define HINT_FIELD "a training run writes traces (`trace: {file: ...}` in a deployment): " \
                   "write this one again, or mend the field as partition/README.md " \
                   "(Trace format) describes it"

struct rd {
    const char *file;         /* as the user named it */
    struct fr_perr *e;
    struct fr_errs show;      /* scratch for fr__show */
    void *tmp;                /* paths and scratch, freed after the file */
};

__attribute__((format(printf, 4, 5)))
static int bad(struct rd *r, const char *hint, const char *path, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    msg = talloc_vasprintf(r->tmp, fmt, ap);
    va_end(ap);
    if (!msg)
        return fr__perr_oom(r->e);
    if (path)
        return fr__perr_set(r->e, -EINVAL, FR_PERR_FAILURE, hint, "%s: %s: %s", r->file, path,
                            msg);
    return fr__perr_set(r->e, -EINVAL, FR_PERR_FAILURE, hint, "%s: %s", r->file, msg);
}

static const char *show(struct rd *r, const char *s)
{
    const char *t = fr__show(&r->show, s, strlen(s));
    return t ? t : "?";
}

/* What a value is, for "expected X, found Y". */
static const char *what(struct rd *r, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: {
        const char *s = talloc_asprintf(r->tmp, "the string \"%s\"", show(r, json_string_value(v)));
        return s ? s : "a string";
    }
    case JSON_INTEGER: {
        const char *s = talloc_asprintf(r->tmp, "%lld", (long long)json_integer_value(v));
        return s ? s : "an integer";
    }
    case JSON_REAL: {
        const char *s = talloc_asprintf(r->tmp, "%g (not a whole number)", json_real_value(v));
        return s ? s : "a real number";
    }
    case JSON_TRUE: return "true";
    case JSON_FALSE: return "false";
    case JSON_NULL: return "null";
    }
    return "something else";
}

static char *path_key(struct rd *r, const char *base, const char *key)
{
    return base ? talloc_asprintf(r->tmp, "%s.%s", base, key) : talloc_strdup(r->tmp, key);
}

static char *path_index(struct rd *r, const char *base, size_t i)
{
    return talloc_asprintf(r->tmp, "%s[%zu]", base, i);
}

/* The member @key of @obj (at @base): *out, or an error when it is missing. */
static int member(struct rd *r, const json_t *obj, const char *base, const char *key,
                  const char *expected, json_t **out, char **path)
{
    *path = path_key(r, base, key);
    if (!*path)
        return fr__perr_oom(r->e);
    *out = json_object_get(obj, key);
    if (!*out)
        return bad(r, HINT_FIELD, *path, "missing (expected %s)", expected);
    return 0;
}

static int get_count(struct rd *r, const json_t *obj, const char *base, const char *key,
                     int64_t *out)
{
    json_t *v;
    char *path;
    int rc = member(r, obj, base, key, "a non-negative integer", &v, &path);

    if (rc)
        return rc;
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return bad(r, HINT_FIELD, path, "expected a non-negative integer, found %s", what(r, v));
    *out = (int64_t)json_integer_value(v);
    return 0;
}

/* A name the deployment file can hold: a C identifier. */
static int get_name(struct rd *r, const json_t *obj, const char *base, const char *key,
                    const char **out)
{
    json_t *v;
    char *path;
    int rc = member(r, obj, base, key, "a name", &v, &path);

    if (rc)
        return rc;
    if (!json_is_string(v))
        return bad(r, HINT_FIELD, path, "expected a name (a string), found %s", what(r, v));
    *out = json_string_value(v);
    if (!fr__walk_ident(*out, json_string_length(v), false))
        return bad(r, HINT_FIELD, path, "'%s' is not a C identifier, as every module and "
                   "function name is", show(r, *out));
    return 0;
}

static int get_object(struct rd *r, const json_t *obj, const char *base, const char *key,
                      json_t **out, char **path)
{
    int rc = member(r, obj, base, key, "an object", out, path);

    if (rc)
        return rc;
    if (!json_is_object(*out))
        return bad(r, HINT_FIELD, *path, "expected an object, found %s", what(r, *out));
    return 0;
}

static int get_array(struct rd *r, const json_t *obj, const char *key, json_t **out)
{
    char *path;
    int rc = member(r, obj, NULL, key, "an array", out, &path);

    if (rc)
        return rc;
    if (!json_is_array(*out))
        return bad(r, HINT_FIELD, path, "expected an array, found %s", what(r, *out));
    return 0;
}

/* Element @i of the array @name, which must be an object (@expected):
 * *base is its path. */
static int item(struct rd *r, const char *name, size_t i, const json_t *v,
                const char *expected, char **base)
{
    *base = path_index(r, name, i);
    if (!*base)
        return fr__perr_oom(r->e);
    if (!json_is_object(v))
        return bad(r, HINT_FIELD, *base, "expected %s (an object), found %s", expected,
                   what(r, v));
    return 0;
}

/* format, version, app: what the file is, before what it holds. */
static int read_header(struct rd *r, const json_t *root, struct fr_trace *t)
{
    json_t *v, *app;
    char *path;
    const char *s;
    int rc;

    if ((rc = member(r, root, NULL, "format", "\"" TRACE_FORMAT "\"", &v, &path)))
        return rc;
    if (!json_is_string(v) || strcmp(json_string_value(v), TRACE_FORMAT) != 0)
        return bad(r, "give `fracture partition` the file a training run wrote (`trace: "
                   "{file: ...}`)", path, "expected \"" TRACE_FORMAT "\", found %s: this is "
                   "not a fracture trace", what(r, v));
    if ((rc = member(r, root, NULL, "version", "1", &v, &path)))
        return rc;
    if (!json_is_integer(v) || json_integer_value(v) != TRACE_VERSION)
        return bad(r, "write the trace again with this release's runtime, or use the "
                   "`fracture` of the release that wrote it", path, "trace format version "
                   "%s is not one this fracture reads (it reads version %d)", what(r, v),
                   TRACE_VERSION);
    if ((rc = get_object(r, root, NULL, "app", &app, &path)))
        return rc;
    if ((rc = get_name(r, app, "app", "name", &s)))
        return rc;
    t->app_name = talloc_strdup(t, s);
    if ((rc = member(r, app, "app", "id", "16 lowercase hex digits", &v, &path)))
        return rc;
    s = json_is_string(v) ? json_string_value(v) : "";
    if (!json_is_string(v) || strlen(s) != 16 || strspn(s, "0123456789abcdef") != 16)
        return bad(r, HINT_FIELD, path, "expected the app's id, 16 lowercase hex digits, "
                   "found %s", what(r, v));
    t->app_id = talloc_strdup(t, s);
    if (!t->app_name || !t->app_id)
        return fr__perr_oom(r->e);
    if ((rc = get_count(r, root, NULL, "runs", &t->runs)))
        return rc;
    if (t->runs < 1)
        return bad(r, HINT_FIELD, "runs", "expected at least 1 run, found 0");
    return get_count(r, root, NULL, "wall_ns", &t->wall_ns);
}

static int read_caps(struct rd *r, const json_t *mod, const char *base, unsigned *caps)
{
    json_t *arr, *c;
    char *path;
    size_t i;
    int rc = member(r, mod, base, "caps", "an array of caps", &arr, &path);

    if (rc)
        return rc;
    if (!json_is_array(arr))
        return bad(r, HINT_FIELD, path, "expected an array of caps, found %s", what(r, arr));
    *caps = 0;
    json_array_foreach(arr, i, c) {
        char *cpath = path_index(r, path, i);
        unsigned cap = json_is_string(c) ? fr__cap_parse(json_string_value(c)) : 0;

        if (!cpath)
            return fr__perr_oom(r->e);
        if (!cap) {
            static const char *const names[] = { "restartable", "replicable", "samplable" };
            const char *best = json_is_string(c) ? fr__suggest(json_string_value(c), names, 3)
                                                 : NULL;
            char *hint = best ? talloc_asprintf(r->tmp, "did you mean '%s'?", best) : NULL;
            return bad(r, hint ? hint : HINT_FIELD, cpath, "expected a cap (\"restartable\", "
                       "\"replicable\" or \"samplable\"), found %s", what(r, c));
        }
        if (*caps & cap)
            return bad(r, HINT_FIELD, cpath, "cap \"%s\" is named twice",
                       json_string_value(c));
        *caps |= cap;
    }
    return 0;
}

static int read_modules(struct rd *r, const json_t *root, struct fr_trace *t)
{
    json_t *arr, *mod;
    size_t i;
    int rc;
    bool have_main = false;

    if ((rc = get_array(r, root, "modules", &arr)))
        return rc;
    t->nmodules = json_array_size(arr);
    t->modules = talloc_zero_array(t, struct fr_tmodule, t->nmodules ? t->nmodules : 1);
    if (!t->modules)
        return fr__perr_oom(r->e);
    json_array_foreach(arr, i, mod) {
        struct fr_tmodule *m = &t->modules[i];
        const char *name;
        char *base;

        if ((rc = item(r, "modules", i, mod, "a module", &base)) ||
            (rc = get_name(r, mod, base, "name", &name)))
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->modules[j].name, name) == 0)
                return bad(r, HINT_FIELD, talloc_asprintf(r->tmp, "%s.name", base),
                           "module '%s' is listed twice (first as modules[%zu])",
                           show(r, name), j);
        if (!(m->name = talloc_strdup(t->modules, name)))
            return fr__perr_oom(r->e);
        if ((rc = read_caps(r, mod, base, &m->caps)) ||
            (rc = get_count(r, mod, base, "cpu_ns", &m->cpu_ns)))
            return rc;
        if (strcmp(name, "main") == 0) {
            t->main_index = i;
            have_main = true;
        }
    }
    if (!have_main)
        return bad(r, HINT_FIELD, "modules", "no module 'main': every app has one (it holds "
                   "main() and stays in the root FMP)");
    return 0;
}

static int edge_end(struct rd *r, const json_t *edge, const char *base, const char *key,
                    const struct fr_trace *t, size_t *out)
{
    const char *name;
    long m;
    int rc = get_name(r, edge, base, key, &name);

    if (rc)
        return rc;
    m = fr__trace_module(t, name);
    if (m < 0) {
        const char **names = talloc_array(r->tmp, const char *, t->nmodules);
        const char *best;
        char *hint;

        if (!names)
            return fr__perr_oom(r->e);
        for (size_t i = 0; i < t->nmodules; i++)
            names[i] = t->modules[i].name;
        best = fr__suggest(name, names, t->nmodules);
        hint = best ? talloc_asprintf(r->tmp, "did you mean '%s'? Every edge joins modules "
                                      "of modules[]", best)
                    : talloc_strdup(r->tmp, HINT_FIELD);
        return bad(r, hint ? hint : HINT_FIELD, talloc_asprintf(r->tmp, "%s.%s", base, key),
                   "unknown module '%s' (not in modules[])", show(r, name));
    }
    *out = (size_t)m;
    return 0;
}

static int read_edges(struct rd *r, const json_t *root, struct fr_trace *t)
{
    json_t *arr, *edge, *v;
    size_t i;
    int rc;

    if ((rc = get_array(r, root, "edges", &arr)))
        return rc;
    t->nedges = json_array_size(arr);
    t->edges = talloc_zero_array(t, struct fr_tedge, t->nedges ? t->nedges : 1);
    if (!t->edges)
        return fr__perr_oom(r->e);
    json_array_foreach(arr, i, edge) {
        struct fr_tedge *ed = &t->edges[i];
        char *base, *path;
        const char *fn;

        if ((rc = item(r, "edges", i, edge, "an edge", &base)) ||
            (rc = edge_end(r, edge, base, "from", t, &ed->from)) ||
            (rc = edge_end(r, edge, base, "to", t, &ed->to)) ||
            (rc = get_name(r, edge, base, "function", &fn)))
            return rc;
        if (!(ed->function = talloc_strdup(t->edges, fn)))
            return fr__perr_oom(r->e);
        if ((rc = member(r, edge, base, "callback", "true or false", &v, &path)))
            return rc;
        if (!json_is_boolean(v))
            return bad(r, HINT_FIELD, path, "expected true or false, found %s", what(r, v));
        ed->callback = json_is_true(v);
        if ((rc = get_count(r, edge, base, "calls", &ed->calls)) ||
            (rc = get_count(r, edge, base, "bytes_in", &ed->bytes_in)) ||
            (rc = get_count(r, edge, base, "bytes_out", &ed->bytes_out)) ||
            (rc = get_count(r, edge, base, "fds", &ed->fds)))
            return rc;
        /* One edge per (caller, function, callback), and a function lives
         * in one module: anything else was not written by a run. */
        for (size_t j = 0; j < i; j++) {
            const struct fr_tedge *o = &t->edges[j];
            if (strcmp(o->function, fn) != 0)
                continue;
            if (o->to != ed->to)
                return bad(r, HINT_FIELD, talloc_asprintf(r->tmp, "%s.to", base),
                           "function '%s' is in module '%s' here but in '%s' at edges[%zu]",
                           show(r, fn), t->modules[ed->to].name, t->modules[o->to].name, j);
            if (o->from == ed->from && o->callback == ed->callback)
                return bad(r, HINT_FIELD, base, "the same edge as edges[%zu] (from '%s', "
                           "function '%s', callback %s): a trace holds each once", j,
                           t->modules[ed->from].name, show(r, fn),
                           ed->callback ? "true" : "false");
        }
    }
    return 0;
}

/* Parse @text into a new trace under @ctx. */
static int parse(struct rd *r, void *ctx, const char *text, size_t len, struct fr_trace **out)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    struct fr_trace *t;
    int rc;

    if (!root)
        return fr__perr_set(r->e, -EINVAL, FR_PERR_FAILURE, "a trace is written whole when "
                            "the training run ends: if the run was cut short or the file "
                            "edited, run it again to its end", "%s:%d:%d: not valid JSON: %s",
                            r->file, jerr.line, jerr.column, show(r, jerr.text));
    if (!json_is_object(root)) {
        rc = bad(r, HINT_FIELD, NULL, "expected a trace (a JSON object), found %s",
                 what(r, root));
        goto out;
    }
    t = fr__trace_new(ctx);
    if (!t) {
        rc = fr__perr_oom(r->e);
        goto out;
    }
    if ((rc = read_header(r, root, t)) || (rc = read_modules(r, root, t)) ||
        (rc = read_edges(r, root, t)))
        goto out;
    *out = t;
out:
    json_decref(root);
    return rc;
}

static int add_sum(struct rd *r, int64_t *acc, int64_t v, const char *path)
{
    if (*acc > INT64_MAX - v)
        return bad(r, "partition fewer traces at a time", path, "the sum over the traces "
                   "exceeds 2^63-1");
    *acc += v;
    return 0;
}

/* Whether @b has the module table of @a, as equal app ids promise. */
static int same_modules(struct rd *r, const struct fr_trace *a, const struct fr_trace *b)
{
    const char *hint = "traces of one build have one module table: this one was edited; "
                       "write it again with a training run";

    if (a->nmodules != b->nmodules)
        return bad(r, hint, "modules", "%zu modules, but the app.id of %s has %zu", b->nmodules,
                   a->files[0], a->nmodules);
    for (size_t i = 0; i < a->nmodules; i++)
        if (strcmp(a->modules[i].name, b->modules[i].name) != 0 ||
            a->modules[i].caps != b->modules[i].caps)
            return bad(r, hint, talloc_asprintf(r->tmp, "modules[%zu]", i), "module '%s' "
                       "differs from modules[%zu] of %s, which has the same app.id",
                       b->modules[i].name, i, a->files[0]);
    return 0;
}

/* Add @one (checked, of the same app) to @t.  Nothing of @t changes
 * unless everything fits: the sums are made on copies first. */
static int merge(struct rd *r, struct fr_trace *t, struct fr_trace *one)
{
    int64_t runs = t->runs, wall = t->wall_ns;
    int64_t *cpu = talloc_array(r->tmp, int64_t, t->nmodules ? t->nmodules : 1);
    struct fr_tedge *edges = talloc_array(t, struct fr_tedge, t->nedges + one->nedges + 1);
    size_t nedges = t->nedges;
    int rc;

    if (!cpu || !edges) {
        talloc_free(edges);
        return fr__perr_oom(r->e);
    }
    if ((rc = add_sum(r, &runs, one->runs, "runs")) ||
        (rc = add_sum(r, &wall, one->wall_ns, "wall_ns")))
        goto out_edges;
    for (size_t i = 0; i < t->nmodules; i++) {
        cpu[i] = t->modules[i].cpu_ns;
        if ((rc = add_sum(r, &cpu[i], one->modules[i].cpu_ns,
                          talloc_asprintf(r->tmp, "modules[%zu].cpu_ns", i))))
            goto out_edges;
    }
    memcpy(edges, t->edges, t->nedges * sizeof *edges);
    for (size_t j = 0; j < one->nedges; j++) {
        const struct fr_tedge *n = &one->edges[j];
        struct fr_tedge *o = NULL;
        char *base = path_index(r, "edges", j);

        if (!base)
            goto out_oom;
        /* A function lives in one module in every run of one build, as
         * within one file (edges()): a second file that puts it elsewhere
         * was edited. */
        for (size_t i = 0; i < nedges; i++) {
            if (strcmp(edges[i].function, n->function) != 0)
                continue;
            if (edges[i].to != n->to) {
                rc = bad(r, HINT_FIELD, talloc_asprintf(r->tmp, "%s.to", base),
                         "function '%s' is in module '%s' here but in '%s' in the traces "
                         "read before", show(r, n->function), one->modules[n->to].name,
                         t->modules[edges[i].to].name);
                goto out_edges;
            }
            if (edges[i].from == n->from && edges[i].callback == n->callback)
                o = &edges[i];
        }
        if (!o) {
            edges[nedges++] = *n;
            continue;
        }
        if ((rc = add_sum(r, &o->calls, n->calls, talloc_asprintf(r->tmp, "%s.calls", base))) ||
            (rc = add_sum(r, &o->bytes_in, n->bytes_in,
                          talloc_asprintf(r->tmp, "%s.bytes_in", base))) ||
            (rc = add_sum(r, &o->bytes_out, n->bytes_out,
                          talloc_asprintf(r->tmp, "%s.bytes_out", base))) ||
            (rc = add_sum(r, &o->fds, n->fds, talloc_asprintf(r->tmp, "%s.fds", base))))
            goto out_edges;
    }
    /* Everything fits: commit. */
    for (size_t j = 0; j < nedges; j++)
        talloc_steal(edges, edges[j].function);
    talloc_free(t->edges);
    t->edges = edges;
    t->nedges = nedges;
    t->runs = runs;
    t->wall_ns = wall;
    for (size_t i = 0; i < t->nmodules; i++)
        t->modules[i].cpu_ns = cpu[i];
    return 0;
out_oom:
    rc = fr__perr_oom(r->e);
out_edges:
    talloc_free(edges);
    return rc;
}

struct fr_trace *fr__trace_new(void *ctx)
{
    return talloc_zero(ctx, struct fr_trace);
}

int fr__trace_add_text(struct fr_trace *t, const char *name, const char *text, size_t len,
                       struct fr_perr *e)
{
    struct rd r = { .file = name, .e = e };
    struct fr_trace *one = NULL;
    char **files;
    int rc;

    r.tmp = talloc_new(NULL);
    if (!r.tmp)
        return fr__perr_oom(e);
    fr__errs_init(&r.show, r.tmp, name);
    files = talloc_realloc(t, t->files, char *, t->nfiles + 1);
    if (!files) {
        rc = fr__perr_oom(e);
        goto out;
    }
    t->files = files;
    if ((rc = parse(&r, r.tmp, text, len, &one)))
        goto out;
    if (t->nfiles && strcmp(t->app_id, one->app_id) != 0) {
        rc = bad(&r, "partition traces of one build together: run the training workload "
                 "again on the build you deploy", "app.id", "%s is a trace of app '%s' "
                 "(id %s), but %s is of app '%s' (id %s): traces add up only for the same "
                 "build of the same app", name, show(&r, one->app_name), one->app_id,
                 t->files[0], t->app_name, t->app_id);
        goto out;
    }
    if (t->nfiles && ((rc = same_modules(&r, t, one)) || (rc = merge(&r, t, one))))
        goto out;
    if (!(t->files[t->nfiles] = talloc_strdup(t, name))) {
        rc = fr__perr_oom(e);
        goto out;
    }
    if (!t->nfiles) {
        /* the first trace is the sum so far */
        t->app_name = talloc_steal(t, one->app_name);
        t->app_id = talloc_steal(t, one->app_id);
        t->runs = one->runs;
        t->wall_ns = one->wall_ns;
        t->modules = talloc_steal(t, one->modules);
        t->nmodules = one->nmodules;
        t->main_index = one->main_index;
        t->edges = talloc_steal(t, one->edges);
        t->nedges = one->nedges;
    }
    t->nfiles++;
out:
    talloc_free(r.tmp);
    return rc;
}

int fr__trace_add_file(struct fr_trace *t, const char *path, struct fr_perr *e)
{
    size_t len;
    char *text = fr__slurp_file(NULL, path, FR_SLURP_ALL, &len);
    int rc;

    if (!text)
        return fr__perr_set(e, -errno, FR_PERR_FAILURE, "give the file a training run "
                            "wrote (`trace: {file: PATH}` in its deployment)",
                            "%s: cannot read the trace: %s", path, strerror(errno));
    rc = fr__trace_add_text(t, path, text, len, e);
    talloc_free(text);
    return rc;
}
