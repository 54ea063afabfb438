/*
 * crowdcut.c - `fracture partition --crowd` (crowdcut.h): one exact minimum cut
 * per module of the rotation, each under the same cost model (sample
 * policy, the crowd's share and environment), and the `crowd:` block that
 * carries the boundaries.
 */
#include "crowdcut.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <talloc.h>

#include "diag.h"
#include "environment.h"
#include "explain.h"

int fr__crowd_plan(void *ctx, struct fr_problem *p, unsigned percent,
                   struct fr_crowd_plan *out, struct fr_perr *e)
{
    const struct fr_trace *t = p->t;
    size_t *mods, n = 0, one;
    int rc;

    memset(out, 0, sizeof(*out));
    out->percent = percent;
    /* the constraints of the whole list first: a module named that may not
     * be sampled is a usage error before any cut */
    if ((rc = fr__partition_prepare(ctx, p, e)))
        return rc;
    mods = talloc_array(ctx, size_t, t->nmodules ? t->nmodules : 1);
    out->picks = talloc_zero_array(ctx, struct fr_crowd_pick, t->nmodules ? t->nmodules : 1);
    if (!mods || !out->picks)
        return fr__perr_oom(e);
    if (p->nterms) {
        memcpy(mods, p->terms, p->nterms * sizeof(*mods));
        n = p->nterms;
    } else {
        for (size_t m = 0; m < t->nmodules; m++)
            if (!p->root_only[m])
                mods[n++] = m;
        if (!n)
            return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, "mark a module FR_SAMPLABLE",
                                "--crowd: no module of the trace may be sampled");
    }
    for (size_t i = 0; i < n; i++) {
        struct fr_crowd_pick *pk = &out->picks[out->npicks];
        struct fr_solution s;

        one = mods[i];
        p->terms = &one;
        p->nterms = 1;
        if ((rc = fr__partition_solve(ctx, p, &s, e)))
            return rc;
        pk->module = one;
        pk->part = s.part;
        pk->cost = s.cost;
        out->npicks++;
    }
    p->terms = NULL;
    p->nterms = 0;
    return 0;
}

struct out {
    void *ctx;
    char *s;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    char *line;

    if (!o->s)
        return;
    va_start(ap, fmt);
    line = talloc_vasprintf(o->ctx, fmt, ap);
    va_end(ap);
    o->s = line ? talloc_strdup_append_buffer(o->s, line) : NULL;
    talloc_free(line);
}

char *fr__crowd_yaml(void *ctx, const struct fr_problem *p, const struct fr_crowd_plan *c)
{
    const struct fr_trace *t = p->t;
    struct out o = { ctx, talloc_strdup(ctx, "") };
    char a[32];

    put(&o, "# Written by `fracture partition --crowd` from");
    for (size_t i = 0; i < t->nfiles; i++) {
        char *f = talloc_strdup(ctx, t->files[i]);

        for (char *q = f; q && *q; q++)
            if (*q == '\n' || *q == '\r')
                *q = ' ';
        put(&o, " %s", f ? f : "?");
    }
    put(&o, "\n# (app %s, %lld run%s): each deployment isolates one module of the\n"
        "# rotation with the modules its `with:` names, the cheapest FMP holding\n"
        "# it (exact minimum cut; %s, %u %% of its calls in the environment,\n"
        "# the environment's slowdown %gx).  Predicted cost of the training\n"
        "# workload beside each.\n", t->app_name, (long long)t->runs, t->runs == 1 ? "" : "s",
        "sample policy", c->percent, p->cost.slowdown);
    put(&o, "version: 1\ncrowd:\n  modules:\n");
    for (size_t i = 0; i < c->npicks; i++) {
        const struct fr_crowd_pick *pk = &c->picks[i];
        double pct = fr__percent_of_wall(t, pk->cost.total_ns);
        size_t k = 0;

        /* `with: []` too: alone is the cut's answer, not a default */
        {
            put(&o, "    - {module: %s, with: [", t->modules[pk->module].name);
            for (size_t m = 0; m < t->nmodules; m++)
                if (m != pk->module && pk->part[m] == 1)
                    put(&o, "%s%s", k++ ? ", " : "", t->modules[m].name);
            put(&o, "]}");
        }
        put(&o, "   # %s", fr__human_ns(a, sizeof a, pk->cost.total_ns));
        if (pct >= 0)
            put(&o, " (%.2f %% of the wall time)", pct);
        put(&o, "\n");
    }
    put(&o, "  percent: %u\n", c->percent);
    /* the crowd's own default is memcheck; none must be said */
    if (!p->env->yaml) {
        put(&o, "  env: {}\n");
    } else if (!(p->env->tool && !strcmp(p->env->tool, "memcheck") && !p->env->from_file)) {
        char *env = fr__envspec_yaml(ctx, p->env, 4);

        put(&o, "  env:\n%s", env ? env : "");
        if (!env)
            return NULL;
    }
    return o.s;
}

void fr__crowd_json(FILE *f, const struct fr_problem *p, const struct fr_crowd_plan *c,
                    const char *written)
{
    const struct fr_trace *t = p->t;

    fprintf(f, "{\"percent\": %u, \"env\": ", c->percent);
    fr__json_string(f, p->env->name);
    fprintf(f, ", \"slowdown\": %g, \"rotation\": [", p->cost.slowdown);
    for (size_t i = 0; i < c->npicks; i++) {
        const struct fr_crowd_pick *pk = &c->picks[i];
        size_t k = 0;

        fputs(i ? ", {\"module\": " : "{\"module\": ", f);
        fr__json_string(f, t->modules[pk->module].name);
        fputs(", \"with\": [", f);
        for (size_t m = 0; m < t->nmodules; m++)
            if (m != pk->module && pk->part[m] == 1) {
                fputs(k++ ? ", " : "", f);
                fr__json_string(f, t->modules[m].name);
            }
        fprintf(f, "], \"cost_ns\": %.0f, \"percent_of_wall\": %.4f}", pk->cost.total_ns,
                fr__percent_of_wall(t, pk->cost.total_ns));
    }
    fputs("], \"written\": ", f);
    fr__json_string(f, written);
    fputs("}\n", f);
}

void fr__crowd_text(FILE *f, const struct fr_problem *p, const struct fr_crowd_plan *c,
                    const char *written)
{
    const struct fr_trace *t = p->t;
    char a[32];

    fprintf(f, "crowd rotation of %zu module%s, %u %% of each module's calls under %s "
            "(slowdown %gx), the rest in a plain instance:\n", c->npicks,
            c->npicks == 1 ? "" : "s", c->percent, p->env->name, p->cost.slowdown);
    for (size_t i = 0; i < c->npicks; i++) {
        const struct fr_crowd_pick *pk = &c->picks[i];
        double pct = fr__percent_of_wall(t, pk->cost.total_ns);
        struct fr_problem q = *p;
        char *mods;

        q.terms = (size_t *)&pk->module;   /* read only: the module first */
        q.nterms = 1;
        mods = fr__fmp_modules(NULL, &q, pk->part, 1, " + ");

        fprintf(f, "  slot %zu: %-28s %s", i, mods ? mods : "?",
                fr__human_ns(a, sizeof a, pk->cost.total_ns));
        if (pct >= 0)
            fprintf(f, " (%.2f %% of the wall time)", pct);
        fputc('\n', f);
        talloc_free(mods);
    }
    if (written)
        fprintf(f, "wrote %s\n", written);
}
