/*
 * dot.c - the Graphviz picture of an answer (dot.h).
 *
 * Edges of one caller -> callee pair are drawn as one arrow (a module
 * pair may have dozens of functions between them), labelled with its
 * calls and its first functions.  Widths and sizes are relative to the
 * graph's largest, so that the picture reads the same at any scale.
 */
#include "dot.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>
#include <talloc.h>

#include "explain.h"

struct pair {
    size_t from, to;
    long long calls;
    double bytes, cross_ns;   /* cross_ns > 0: the pair's calls cross */
    bool crosses;
    char *fns;
    size_t nfns;
};

__attribute__((format(printf, 2, 3)))
static void put(char **s, const char *fmt, ...)
{
    va_list ap;

    if (!*s)
        return;
    va_start(ap, fmt);
    char *line = talloc_vasprintf(NULL, fmt, ap);
    va_end(ap);
    *s = line ? talloc_strdup_append_buffer(*s, line) : NULL;
    talloc_free(line);
}

/* The pairs of @t, calls summed; NULL when memory ran out. */
static struct pair *pairs_of(void *ctx, const struct fr_problem *p, const struct fr_solution *s,
                             size_t *np)
{
    const struct fr_trace *t = p->t;
    struct pair *v = talloc_zero_array(ctx, struct pair, t->nedges ? t->nedges : 1);

    *np = 0;
    for (size_t i = 0; v && i < t->nedges; i++) {
        const struct fr_tedge *ed = &t->edges[i];
        struct pair *q = NULL;
        if (ed->from == ed->to)
            continue;
        for (size_t j = 0; j < *np && !q; j++)
            if (v[j].from == ed->from && v[j].to == ed->to)
                q = &v[j];
        if (!q) {
            q = &v[(*np)++];
            q->from = ed->from;
            q->to = ed->to;
            q->fns = talloc_strdup(v, "");
            q->crosses = s->part[ed->from] != s->part[ed->to];
        }
        q->calls += ed->calls;
        q->bytes += (double)ed->bytes_in + (double)ed->bytes_out;
        if (q->crosses)
            q->cross_ns += fr__crossing_cost(&p->cost, ed, s->part[ed->to] != 0);
        if (q->nfns++ < 3 && q->fns)
            q->fns = talloc_asprintf_append(q->fns, "%s%s%s", *q->fns ? ", " : "",
                                            ed->function, ed->callback ? " (callback)" : "");
        if (!q->fns)
            return NULL;
    }
    return v;
}

static void node(char **s, const struct fr_trace *t, size_t m, double maxcpu,
                 const char *indent, bool root_only)
{
    double cpu = (double)t->modules[m].cpu_ns;
    double w = 0.8 + 1.6 * (maxcpu > 0 ? sqrt(cpu / maxcpu) : 0);
    char a[32];

    put(s, "%s\"%s\" [label=\"%s\\n%s CPU\", width=%.2f, height=%.2f%s];\n", indent,
        t->modules[m].name, t->modules[m].name, fr__human_ns(a, sizeof a, cpu), w, w * 0.6,
        root_only ? ", style=filled, fillcolor=\"#eeeeee\"" : "");
}

char *fr__dot_graph(void *ctx, const struct fr_problem *p, const struct fr_solution *s)
{
    const struct fr_trace *t = p->t;
    void *tmp = talloc_new(ctx);
    char *out = talloc_strdup(ctx, ""), a[32], b[32];
    size_t np = 0;
    struct pair *pairs = tmp ? pairs_of(tmp, p, s, &np) : NULL;
    double maxcpu = 0, maxcalls = 0;

    if (!pairs) {
        talloc_free(out);
        talloc_free(tmp);
        return NULL;
    }
    for (size_t m = 0; m < t->nmodules; m++)
        maxcpu = fmax(maxcpu, (double)t->modules[m].cpu_ns);
    for (size_t i = 0; i < np; i++)
        maxcalls = fmax(maxcalls, (double)pairs[i].calls);
    put(&out, "// Written by `fracture partition` (app %s, id %s): render with\n"
              "// dot -Tsvg THIS.dot -o THIS.svg\n"
              "digraph fracture {\n"
              "  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=\"%s: %s, "
              "predicted overhead %s\\nred: calls that cross (their cost); grey: stays in the root; "
              "width: calls; size: CPU\"];\n"
              "  node [shape=ellipse, fontname=\"Helvetica\", fontsize=11];\n"
              "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n",
        t->app_name, t->app_id, t->app_name, fr__method_name(s->method),
        fr__human_ns(a, sizeof a, s->cost.total_ns));
    for (unsigned f = 1; f <= s->nfmps; f++) {
        put(&out, "  subgraph \"cluster_%s\" {\n    label=\"FMP %s (%s%s%s)\";\n"
                  "    style=\"rounded,filled\"; fillcolor=\"#fdf2e9\"; color=\"#d35400\";\n",
            s->fmp_names[f], s->fmp_names[f], p->env->from_file ? "env file" : p->env->name,
            p->cost.policy ? ", " : "", p->cost.policy ? fr__policy_name(p->cost.policy) : "");
        for (size_t m = 0; m < t->nmodules; m++)
            if (s->part[m] == (int)f)
                node(&out, t, m, maxcpu, "    ", false);
        put(&out, "  }\n");
    }
    for (size_t m = 0; m < t->nmodules; m++)
        if (s->part[m] == 0)
            node(&out, t, m, maxcpu, "  ", p->root_only[m]);
    for (size_t i = 0; i < np; i++) {
        const struct pair *q = &pairs[i];
        double pen = 1 + 5 * (maxcalls > 1 ? log1p((double)q->calls) / log1p(maxcalls) : 0);
        put(&out, "  \"%s\" -> \"%s\" [penwidth=%.2f, label=\"%s%s\\n%lld calls%s%s\"%s];\n",
            t->modules[q->from].name, t->modules[q->to].name, pen, q->fns,
            q->nfns > 3 ? ", ..." : "", q->calls, q->crosses ? ", " : "",
            q->crosses ? fr__human_ns(b, sizeof b, q->cross_ns) : "",
            q->crosses ? ", color=\"#c0392b\", fontcolor=\"#c0392b\", style=bold" : "");
    }
    put(&out, "}\n");
    talloc_free(tmp);
    return out;
}
