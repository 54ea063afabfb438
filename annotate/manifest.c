/*
 * manifest.c - the JSON manifest of the module model (manifest.h).
 *
 * Shape (version 1):
 *   modules:   [{name, caps: [..], files: [..]}]         main first, then by name
 *   functions: [{name, module, static, defined, flags: [..], cross,
 *                params: [{name, type, copy, n?, inferred}],
 *                return: {type, copy, n?, inferred, owned}, on_failure?}]
 *   edges:     [{from, to}]                                module pairs
 *   calls:     [{from, to, caller, callee, site}]         cross-module call sites
 *   callbacks: [{function, module, to, via?, param?, site}]
 * Only functions defined in the inputs appear; static functions of headers
 * are copies inside each includer and stay out.
 */
#include "manifest.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "abi.h"
#include "caps.h"

static const char *copy_name(enum fra_copy c)
{
    static const char *const names[] = {
        [FRA_COPY_NONE] = "none",       [FRA_COPY_SCALAR] = "scalar",
        [FRA_COPY_STRUCT] = "struct",   [FRA_COPY_IN] = "in",
        [FRA_COPY_OUT] = "out",         [FRA_COPY_INOUT] = "inout",
        [FRA_COPY_STRING] = "string",   [FRA_COPY_OPAQUE] = "opaque",
        [FRA_COPY_FD] = "fd",           [FRA_COPY_CALLBACK] = "callback",
        [FRA_COPY_RET] = "ret",         [FRA_COPY_UNKNOWN] = "unknown",
        [FRA_COPY_STRV] = "strings",    [FRA_COPY_HANDLES] = "handles",
    };
    return names[c];
}

static json_t *rule_json(const struct fra_rule *r, const char *type)
{
    json_t *o = json_object();

    json_object_set_new(o, "type", json_string(type ? type : ""));
    json_object_set_new(o, "copy", json_string(copy_name(r->copy)));
    if (r->n)
        json_object_set_new(o, "n", json_string(r->n));
    if (r->string_inout)
        json_object_set_new(o, "inout", json_true());
    if (r->keep)
        json_object_set_new(o, "keep", json_true());
    json_object_set_new(o, "inferred", json_boolean(r->inferred));
    return o;
}

static json_t *loc_json(const struct fra_loc *l)
{
    char buf[4096];

    snprintf(buf, sizeof buf, "%s:%u:%u", l->file ? l->file : "", l->line, l->col);
    return json_string(buf);
}

static json_t *modules_json(const struct fra_model *m)
{
    json_t *a = json_array();

    for (size_t i = 0; i < m->nmodules; i++) {
        const struct fra_module *mod = &m->modules[i];
        json_t *o = json_object(), *caps = json_array(), *files = json_array();

        for (size_t c = 0; c < FR__NCAPS; c++)
            if (mod->caps & fr__caps[c].bit)
                json_array_append_new(caps, json_string(fr__caps[c].adj));
        for (size_t k = 0; k < mod->nfiles; k++)
            json_array_append_new(files, json_string(mod->files[k]));
        json_object_set_new(o, "name", json_string(mod->name));
        json_object_set_new(o, "caps", caps);
        json_object_set_new(o, "files", files);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *function_json(const struct fra_func *f)
{
    json_t *o = json_object(), *flags = json_array(), *params = json_array(), *ret;

    if (f->init)
        json_array_append_new(flags, json_string("init"));
    if (f->callback)
        json_array_append_new(flags, json_string("callback"));
    if (f->variadic)
        json_array_append_new(flags, json_string("variadic"));
    for (unsigned i = 0; i < f->nparams; i++) {
        const struct fra_param *p = &f->params[i];
        json_t *po = rule_json(&p->rule, p->type.spelling);
        json_t *named = json_object();
        json_object_set_new(named, "name", json_string(p->name ? p->name : ""));
        json_object_update(named, po);
        json_decref(po);
        json_array_append_new(params, named);
    }
    ret = rule_json(&f->ret_rule, f->ret.spelling);
    json_object_set_new(ret, "owned", json_boolean(f->ret_owned));

    json_object_set_new(o, "name", json_string(f->name));
    json_object_set_new(o, "module", json_string(f->module ? f->module : "main"));
    json_object_set_new(o, "static", json_boolean(f->internal));
    json_object_set_new(o, "defined", loc_json(&f->loc));
    json_object_set_new(o, "flags", flags);
    json_object_set_new(o, "cross", json_boolean(f->cross));
    json_object_set_new(o, "params", params);
    json_object_set_new(o, "return", ret);
    if (f->fail_value) {
        json_t *fo = json_object();
        json_object_set_new(fo, "value", json_string(f->fail_value));
        json_object_set_new(fo, "errno", json_string(f->fail_errno));
        json_object_set_new(o, "on_failure", fo);
    }
    return o;
}

static int cmp_fn_out(const void *pa, const void *pb)
{
    const struct fra_func *a = *(struct fra_func *const *)pa, *b = *(struct fra_func *const *)pb;
    int c = strcmp(a->name, b->name);

    return c ? c : fra_loc_cmp(&a->loc, &b->loc);
}

/* Rows of strings, sorted and made unique so that order of discovery
 * never shows in the output. */
struct row {
    const char *k[6];
};

static int cmp_row(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;

    for (int i = 0; i < 6; i++) {
        int c = strcmp(a->k[i] ? a->k[i] : "", b->k[i] ? b->k[i] : "");
        if (c)
            return c;
    }
    return 0;
}

static json_t *rows_json(struct row *rows, size_t n, const char *const *keys, int nkeys)
{
    json_t *a = json_array();

    fra_sort(rows, n, sizeof *rows, cmp_row);
    for (size_t i = 0; i < n; i++) {
        if (i && cmp_row(&rows[i - 1], &rows[i]) == 0)
            continue;
        json_t *o = json_object();
        for (int k = 0; k < nkeys; k++)
            if (rows[i].k[k])
                json_object_set_new(o, keys[k], json_string(rows[i].k[k]));
        json_array_append_new(a, o);
    }
    return a;
}

static struct fra_func *defined(struct fra_model *m, const char *key)
{
    struct fra_func *f = key ? fra_model_func(m, key) : NULL;

    return f && f->defined ? f : NULL;
}

int fra_manifest_write(struct fra_model *m, const char *path)
{
    void *tmp = talloc_new(m->ctx);
    json_t *root = json_object(), *funcs = json_array();
    struct fra_func **fs = talloc_array(tmp, struct fra_func *, m->nfuncs + 1);
    struct row *edges = talloc_zero_array(tmp, struct row, 2 * m->ncalls + 1);
    struct row *calls = talloc_zero_array(tmp, struct row, m->ncalls + 1);
    struct row *cbs = talloc_zero_array(tmp, struct row, m->ncalls + 1);
    static const char *const ekeys[] = {"from", "to"};
    static const char *const ckeys[] = {"from", "to", "caller", "callee", "site"};
    static const char *const bkeys[] = {"function", "module", "to", "via", "param", "site"};
    size_t nf = 0, ne = 0, nc = 0, nb = 0;
    int rc = 0;

    if (!fs || !edges || !calls || !cbs || !root || !funcs) {
        rc = -ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < m->nfuncs; i++)
        if (m->funcs[i]->defined && !m->funcs[i]->in_header)
            fs[nf++] = m->funcs[i];
    fra_sort(fs, nf, sizeof *fs, cmp_fn_out);
    for (size_t i = 0; i < nf; i++)
        json_array_append_new(funcs, function_json(fs[i]));

    for (size_t i = 0; i < m->ncalls; i++) {
        const struct fra_call *c = &m->calls[i];
        struct fra_func *f = defined(m, c->callee), *via, *caller;
        const char *site;

        if (!f || !f->module)
            continue;
        site = fra_loc_str(tmp, &c->loc);
        caller = c->caller ? fra_model_func(m, c->caller) : NULL;
        if (!c->address) {
            if (strcmp(f->module, c->from) == 0)
                continue;
            edges[ne++] = (struct row){{c->from, f->module}};
            calls[nc++] = (struct row){{c->from, f->module, caller ? caller->name : NULL,
                                        f->name, site}};
            continue;
        }
        via = defined(m, c->via);
        const char *to = via ? via->module : c->from;
        if (strcmp(f->module, c->from) == 0 && strcmp(to, f->module) == 0)
            continue;
        const char *param = NULL;
        if (via && c->via_arg < via->nparams)
            param = via->params[c->via_arg].name;
        else if (via)
            param = "...";
        cbs[nb++] = (struct row){{f->name, f->module, to, via ? via->name : NULL, param, site}};
        /* Whoever holds the address may call back into its module. */
        if (strcmp(to, f->module) != 0)
            edges[ne++] = (struct row){{to, f->module}};
        if (strcmp(c->from, f->module) != 0)
            edges[ne++] = (struct row){{c->from, f->module}};
    }

    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "modules", modules_json(m));
    json_object_set_new(root, "functions", funcs);
    funcs = NULL;
    json_object_set_new(root, "edges", rows_json(edges, ne, ekeys, 2));
    json_object_set_new(root, "calls", rows_json(calls, nc, ckeys, 5));
    json_object_set_new(root, "callbacks", rows_json(cbs, nb, bkeys, 6));

    char *text = json_dumps(root, JSON_INDENT(2));
    if (!text) {
        rc = -ENOMEM;
        goto out;
    }
    FILE *fp = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
    if (!fp) {
        rc = -errno;
        free(text);
        goto out;
    }
    if (fprintf(fp, "%s\n", text) < 0)
        rc = -EIO;
    if (fp != stdout && fclose(fp) != 0 && rc == 0)
        rc = -errno;
    free(text);
out:
    json_decref(funcs);
    json_decref(root);
    talloc_free(tmp);
    return rc;
}
