/*
 * render_text.c - the ranked classes as text (render.h); also the helpers
 * every rendering shares: times and frames.
 */
#include "render.h"

#include <inttypes.h>
#include <string.h>
#include <talloc.h>

void fr__render_time(int64_t t, char buf[32])
{
    time_t tt = (time_t)t;
    struct tm tm;

    if (t == INT64_MAX || t == INT64_MIN || !gmtime_r(&tt, &tm) ||
        !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, 32, "?");
}

char *fr__render_frame(void *ctx, const struct fr_vg_frame *f)
{
    const char *obj = f->obj ? strrchr(f->obj, '/') : NULL;

    obj = obj ? obj + 1 : f->obj;
    if (f->file && f->line)
        return talloc_asprintf(ctx, "%s (%s:%ld)", f->fn, f->file, f->line);
    if (f->file)
        return talloc_asprintf(ctx, "%s (%s)", f->fn, f->file);
    if (obj)
        return talloc_asprintf(ctx, "%s (in %s)", f->fn, obj);
    return talloc_strdup(ctx, f->fn);
}

static void list(FILE *f, const struct fr_strset *s)
{
    for (size_t i = 0; i < s->n; i++)
        fprintf(f, "%s%s", i ? ", " : "", s->v[i]);
}

void fr__render_text(FILE *f, const struct fr_classes *c)
{
    void *tmp = talloc_new(NULL);

    fprintf(f, "%zu bug class%s from %zu deployment%s (%zu report%s, %zu truncated)\n",
            c->n, c->n == 1 ? "" : "es", c->deployments.n, c->deployments.n == 1 ? "" : "s",
            c->nreports, c->nreports == 1 ? "" : "s", c->ntruncated);
    if (c->from_db)
        fprintf(f, "database: %zu report%s merged now, %zu already there (not counted again)\n",
                c->nmerged, c->nmerged == 1 ? "" : "s", c->nalready);
    else if (c->nalready)
        fprintf(f, "%zu report%s given twice, counted once\n", c->nalready,
                c->nalready == 1 ? "" : "s");
    fprintf(f, "ranked by deployments, then occurrences, then bytes; first/last seen are the "
               "report files' modification times (UTC)\n");
    for (size_t i = 0; i < c->n; i++) {
        const struct fr_class *k = &c->v[i];
        char first[32], last[32];

        fr__render_time(k->first_seen, first);
        fr__render_time(k->last_seen, last);
        fprintf(f, "\n#%zu %s: %zu of %zu deployment%s, %" PRId64 " occurrence%s", i + 1,
                k->kind, k->deployments.n, c->deployments.n, c->deployments.n == 1 ? "" : "s",
                k->occurrences, k->occurrences == 1 ? "" : "s");
        if (k->bytes)
            fprintf(f, ", %" PRId64 " bytes", k->bytes);
        fprintf(f, "\n    module ");
        list(f, &k->modules);
        fprintf(f, ", FMP ");
        list(f, &k->fmps);
        if (k->what && *k->what)
            fprintf(f, "\n    %s", k->what);
        fprintf(f, "\n    signature: %s\n", k->signature);
        for (size_t j = 0; j < k->nstack; j++) {
            char *fr = fr__render_frame(tmp, &k->stack[j]);
            fprintf(f, "    %s %s\n", j ? "  " : "at", fr ? fr : "?");
        }
        fprintf(f, "    deployments: ");
        list(f, &k->deployments);
        fprintf(f, "\n    first seen %s, last seen %s\n", first, last);
    }
    if (c->ntruncated) {
        fprintf(f, "\ntruncated reports (their process died before Valgrind finished; "
                   "their complete errors are counted above):\n");
        for (size_t i = 0; i < c->ntruncated; i++)
            fprintf(f, "  %s: %s (%zu complete error%s)\n", c->truncated[i].deployment,
                    c->truncated[i].file, c->truncated[i].nerrors,
                    c->truncated[i].nerrors == 1 ? "" : "s");
    }
    talloc_free(tmp);
}
