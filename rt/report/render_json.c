/*
 * render_json.c - the ranked classes as one JSON object (render.h);
 * README.md ("fracture report") lists its members.
 */
#include "render.h"

#include <errno.h>
#include <jansson.h>

static json_t *strings(const struct fr_strset *s)
{
    json_t *a = json_array();

    for (size_t i = 0; a && i < s->n; i++)
        if (json_array_append_new(a, json_string(s->v[i])) < 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *frame(const struct fr_vg_frame *f)
{
    return json_pack("{s:s, s:s?, s:s?, s:s?, s:I}", "fn", f->fn, "file", f->file, "dir",
                     f->dir, "obj", f->obj, "line", (json_int_t)f->line);
}

static json_t *one_class(const struct fr_class *k, size_t rank)
{
    char first[32], last[32];
    json_t *stack = json_array(), *o;

    for (size_t j = 0; stack && j < k->nstack; j++)
        if (json_array_append_new(stack, frame(&k->stack[j])) < 0) {
            json_decref(stack);
            return NULL;
        }
    fr__render_time(k->first_seen, first);
    fr__render_time(k->last_seen, last);
    o = json_pack("{s:I, s:s, s:s, s:s, s:o?, s:I, s:I, s:I, s:o?, s:o?, s:s, s:s, s:o?}",
                  "rank", (json_int_t)rank, "signature", k->signature, "kind", k->kind,
                  "what", k->what ? k->what : "", "deployments", strings(&k->deployments),
                  "ndeployments", (json_int_t)k->deployments.n,
                  "occurrences", (json_int_t)k->occurrences, "bytes", (json_int_t)k->bytes,
                  "modules", strings(&k->modules), "fmps", strings(&k->fmps),
                  "first_seen", first, "last_seen", last, "stack", stack);
    return o;
}

int fr__render_json(FILE *f, const struct fr_classes *c)
{
    json_t *classes = json_array(), *trunc = json_array(), *top;
    int rc = -ENOMEM;

    for (size_t i = 0; classes && i < c->n; i++)
        if (json_array_append_new(classes, one_class(&c->v[i], i + 1)) < 0)
            goto out;
    for (size_t i = 0; trunc && i < c->ntruncated; i++)
        if (json_array_append_new(trunc, json_pack("{s:s, s:s, s:I}", "deployment",
                                                   c->truncated[i].deployment, "file",
                                                   c->truncated[i].file, "errors",
                                                   (json_int_t)c->truncated[i].nerrors)) < 0)
            goto out;
    top = json_pack("{s:o?, s:I, s:I, s:b, s:I, s:I, s:s, s:O?, s:O?}",
                    "deployments", strings(&c->deployments),
                    "ndeployments", (json_int_t)c->deployments.n,
                    "reports", (json_int_t)c->nreports, "database", c->from_db,
                    "merged", (json_int_t)c->nmerged,
                    "already_merged", (json_int_t)c->nalready, "seen", "file mtime",
                    "truncated", trunc, "classes", classes);
    if (top && json_dumpf(top, f, JSON_INDENT(2) | JSON_ENSURE_ASCII) == 0) {
        fputc('\n', f);
        rc = 0;
    }
    json_decref(top);
out:
    json_decref(classes);
    json_decref(trunc);
    return rc;
}
