/*
 * yaml_out.c - the deployment file of an answer (yaml_out.h).
 *
 * Module names are C identifiers (trace_read.c checks them), so they go
 * into the YAML unquoted; text of the user's (file names) goes only into
 * comments, with line breaks taken out.  The CLI parses the result with
 * the runtime's own parser before writing it.
 */
#include "yaml_out.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <talloc.h>

struct out {
    void *ctx;
    char *s;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;

    if (!o->s)
        return;
    va_start(ap, fmt);
    char *line = talloc_vasprintf(o->ctx, fmt, ap);
    va_end(ap);
    o->s = line ? talloc_strdup_append_buffer(o->s, line) : NULL;
    talloc_free(line);
}

/* @s fit for a comment: one line. */
static const char *flat(void *ctx, const char *s)
{
    char *c = talloc_strdup(ctx, s ? s : "");
    for (char *p = c; p && *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return c ? c : "";
}

static void put_cost_line(struct out *o, const struct fr_trace *t, const char *what,
                          const struct fr_place_cost *pc)
{
    char a[32], b[32], c[32], d[32];
    double pct = fr__percent_of_wall(t, pc->total_ns);

    put(o, "#   %s: %s", what, fr__human_ns(a, sizeof a, pc->total_ns));
    if (pct >= 0)
        put(o, " (%.2f %% of the wall time)", pct);
    put(o, "; crossings %s (%lld calls, %s), environment %s\n",
        fr__human_ns(b, sizeof b, pc->cross_ns), (long long)pc->calls,
        fr__human_bytes(c, sizeof c, (double)pc->bytes), fr__human_ns(d, sizeof d, pc->env_ns));
}

static void put_edge(struct out *o, const struct fr_trace *t, const char *indent, size_t i,
                     double ns)
{
    char *text = fr__edge_text(o->ctx, t, i, ns);

    put(o, "#%s%s\n", indent, text ? text : "?");
}

static void header(struct out *o, const struct fr_problem *p, const struct fr_solution *s)
{
    const struct fr_trace *t = p->t;

    put(o, "# Written by `fracture partition` from");
    for (size_t i = 0; i < t->nfiles; i++)
        put(o, " %s", flat(o->ctx, t->files[i]));
    put(o, "\n# (app %s, id %s, %lld run%s).\n", t->app_name, t->app_id, (long long)t->runs,
        t->runs == 1 ? "" : "s");
    if (p->parts) {
        put(o, "# The program split in %u FMPs", p->parts);
    } else {
        put(o, "# Isolating");
        for (size_t i = 0; i < p->nterms; i++)
            put(o, "%s %s", i ? "," : "", t->modules[p->terms[i]].name);
    }
    put(o, "; policy %s; environment %s (slowdown %gx: %s).\n",
        fr__policy_name(p->cost.policy), flat(o->ctx, p->env->name), p->env->slowdown,
        flat(o->ctx, p->env->slowdown_from));
    put(o, "# A crossing call costs %.1f ns (%s), a byte %.4f ns (%s), a descriptor %.1f ns (%s)",
        p->cost.call_ns, flat(o->ctx, p->fig->call_from), p->cost.byte_ns,
        flat(o->ctx, p->fig->byte_from), p->cost.fd_ns, flat(o->ctx, p->fig->fd_from));
    if (p->fig->bench)
        put(o, ";\n# bench figures from %s", flat(o->ctx, p->fig->bench));
    put(o, ".\n# Found by %s:\n# %s.\n", fr__method_name(s->method),
        fr__method_note(s->method));
}

static void why(struct out *o, const struct fr_problem *p, const struct fr_solution *s,
                const struct fr_explain *x)
{
    const struct fr_trace *t = p->t;
    char a[32];

    put(o, "#\n# Predicted overhead of the training workload:\n");
    put_cost_line(o, t, "this deployment", &s->cost);
    for (size_t i = 1; i < x->nalts; i++) {
        char *what = talloc_asprintf(o->ctx, "instead, %s", x->alts[i].label);
        put_cost_line(o, t, what ? what : "instead", &x->alts[i].cost);
    }
    for (unsigned f = 1; f <= s->nfmps; f++) {
        char *mods = fr__fmp_modules(o->ctx, p, s->part, (int)f, ", ");
        put(o, "#\n# FMP '%s': %s\n", s->fmp_names[f], mods ? mods : "?");
        if (!p->parts && f <= p->nterms)
            put(o, "#   %s: isolated (--isolate)\n", t->modules[p->terms[f - 1]].name);
        for (size_t i = 0; i < x->nmoved; i++) {
            const struct fr_moved *mv = &x->moved[i];
            if (mv->fmp != (int)f)
                continue;
            put(o, "#   %s moved in: kept in the root, it would cost %s more in all%s\n",
                t->modules[mv->module].name, fr__human_ns(a, sizeof a, mv->saves_ns),
                mv->nedges ? ", as these calls would cross:" : "");
            for (size_t j = 0; j < mv->nedges && j < 5; j++)
                put_edge(o, t, "     ", mv->edges[j], mv->edge_ns[j]);
            if (mv->nedges > 5)
                put(o, "#     ... and %zu more edges\n", mv->nedges - 5);
        }
    }
    put(o, "#\n# Calls that cross, costliest first:%s\n", x->ncut ? "" : " none");
    for (size_t i = 0; i < x->ncut && i < 10; i++)
        put_edge(o, t, "   ", x->cut[i], x->cut_ns[x->cut[i]]);
    if (x->ncut > 10)
        put(o, "#   ... and %zu more edges\n", x->ncut - 10);
}

static void policy(struct out *o, const struct fr_problem *p)
{
    char *env = fr__envspec_yaml(o->ctx, p->env, 12);
    unsigned w = (unsigned)lround(p->cost.share * 100);

    switch (p->cost.policy) {
    case FR_POLICY_RESTART:
        put(o, "    restart: {max: 5, window_s: 60, retries: 2}\n");
        break;
    case FR_POLICY_REPLICATE:
        put(o, "    replicate: {count: %u, on_divergence: vote}\n", p->cost.replicas);
        break;
    case FR_POLICY_SAMPLE:
        /* the environment on one instance, which gets the share of calls */
        put(o, "    sample:\n      seed: 0\n      instances:\n        - {weight: %u}\n"
            "        - weight: %u\n", 100 - w, w);
        if (env && *env)
            put(o, "          env:\n%s", env);
        break;
    case FR_POLICY_NONE:
        break;
    }
    if (!env)
        o->s = NULL;
}

char *fr__yaml_deploy(void *ctx, const struct fr_problem *p, const struct fr_solution *s,
                      const struct fr_explain *x)
{
    struct out o = { .ctx = talloc_new(ctx) };
    char *env;

    if (!o.ctx)
        return NULL;
    o.s = talloc_strdup(ctx, "");
    header(&o, p, s);
    why(&o, p, s, x);
    put(&o, "version: 1\nfmps:\n");
    env = p->cost.policy == FR_POLICY_SAMPLE ? talloc_strdup(o.ctx, "")
                                             : fr__envspec_yaml(o.ctx, p->env, 6);
    for (unsigned f = 1; f <= s->nfmps && o.s && env; f++) {
        char *mods = fr__fmp_modules(o.ctx, p, s->part, (int)f, ", ");
        put(&o, "  - name: %s\n    modules: [%s]\n", s->fmp_names[f], mods ? mods : "");
        if (*env)
            put(&o, "    env:\n%s", env);
        policy(&o, p);
    }
    if (!env) {
        talloc_free(o.s);
        o.s = NULL;
    }
    talloc_free(o.ctx);
    return o.s;
}
