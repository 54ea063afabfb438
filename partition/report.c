/*
 * report.c - the table and the JSON of an answer (report.h).
 */
#include "report.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>
#include <talloc.h>

static const char *method_key(enum fr_method m)
{
    switch (m) {
    case FR_METHOD_MINCUT: return "mincut";
    case FR_METHOD_ENUMERATE: return "enumerate";
    case FR_METHOD_ISOLATION: return "isolation-heuristic";
    case FR_METHOD_METIS: return "metis";
    }
    return "?";
}

/* One line of the table; the label last, as it may be long. */
static void cost_row(FILE *f, const struct fr_trace *t, const char *mark, const char *label,
                     const struct fr_place_cost *pc)
{
    char a[32], b[32], c[32];
    double pct = fr__percent_of_wall(t, pc->total_ns);
    char pcts[32] = "-";

    if (pct >= 0)
        snprintf(pcts, sizeof pcts, "%.2f %%", pct);
    fprintf(f, "%s %12s %9s %12s %14lld %12s  %s\n", mark,
            fr__human_ns(c, sizeof c, pc->total_ns), pcts,
            fr__human_ns(a, sizeof a, pc->cross_ns), (long long)pc->calls,
            fr__human_ns(b, sizeof b, pc->env_ns), label);
}

static void edge_line(FILE *f, const struct fr_trace *t, const char *indent, size_t i,
                      double ns)
{
    char *text = fr__edge_text(NULL, t, i, ns);

    fprintf(f, "%s%s\n", indent, text ? text : "?");
    talloc_free(text);
}

/* One factor: its name, value and where it came from. */
static void factor(FILE *f, const char *name, const char *value, const char *from)
{
    fprintf(f, "  %-12s %12s   %s\n", name, value, from);
}

void fr__report_text(FILE *f, const struct fr_problem *p, const struct fr_solution *s,
                     const struct fr_explain *x, const struct fr_written *w)
{
    const struct fr_trace *t = p->t;
    char a[32], v[64], note[256];
    unsigned need;

    fprintf(f, "app %s (id %s): %zu trace%s, %lld run%s, wall time %s\n", t->app_name,
            t->app_id, t->nfiles, t->nfiles == 1 ? "" : "s", (long long)t->runs,
            t->runs == 1 ? "" : "s", fr__human_ns(a, sizeof a, (double)t->wall_ns));
    fprintf(f, "\nfactors:\n");
    snprintf(v, sizeof v, "%.1f ns", p->cost.call_ns);
    factor(f, "per call", v, p->fig->call_from);
    snprintf(v, sizeof v, "%.4f ns", p->cost.byte_ns);
    factor(f, "per byte", v, p->fig->byte_from);
    snprintf(v, sizeof v, "%.1f ns", p->cost.fd_ns);
    factor(f, "per fd", v, p->fig->fd_from);
    if (p->fig->bench)
        factor(f, "bench", "", p->fig->bench);
    factor(f, "environment", p->env->from_file ? "file" : p->env->name,
           p->env->from_file ? p->env->name : p->env->tool ? "Valgrind" : "none");
    snprintf(v, sizeof v, "%gx", p->env->slowdown);
    snprintf(note, sizeof note, "%s (--slowdown F to change)", p->env->slowdown_from);
    factor(f, "slowdown", v, note);
    need = fr__policy_caps(p->cost.policy);
    snprintf(note, sizeof note, "%s%s", need ? "modules that are not so stay in the root: "
             : "a plain FMP", need ? fr__cap_name(need) : "");
    factor(f, "policy", fr__policy_name(p->cost.policy), note);
    if (p->cost.policy == FR_POLICY_REPLICATE) {
        snprintf(v, sizeof v, "%u", p->cost.replicas);
        factor(f, "replicas", v, "each call into the FMP is made once per replica "
               "(--replicas N)");
    }
    if (p->cost.policy == FR_POLICY_SAMPLE) {
        snprintf(v, sizeof v, "%.0f %%", p->cost.share * 100);
        factor(f, "sampled", v, "of the calls go to the instance in the environment "
               "(--sample-pct P)");
    }
    fprintf(f, "\nmethod: %s\n  %s\n", fr__method_name(s->method), fr__method_note(s->method));
    if (s->metis_filled)
        fprintf(f, "  METIS left %u part%s empty: each got the module whose move there cost "
                   "least\n", s->metis_filled, s->metis_filled == 1 ? "" : "s");

    fprintf(f, "\npredicted overhead of the training workload:\n");
    fprintf(f, "  %12s %9s %12s %14s %12s  %s\n", "total", "of wall", "crossings",
            "crossing calls", "environment", "FMP boundary (* the answer)");
    for (size_t i = 0; i < x->nalts; i++)
        cost_row(f, t, x->alts[i].chosen ? "*" : " ", x->alts[i].label, &x->alts[i].cost);

    for (unsigned fm = 1; fm <= s->nfmps; fm++) {
        char *mods = fr__fmp_modules(NULL, p, s->part, (int)fm, ", ");
        fprintf(f, "\nFMP '%s': %s\n", s->fmp_names[fm], mods ? mods : "?");
        talloc_free(mods);
        for (size_t i = 0; i < x->nmoved; i++) {
            const struct fr_moved *mv = &x->moved[i];
            if (mv->fmp != (int)fm)
                continue;
            fprintf(f, "  %s moved in: kept in the root, it would cost %s more in all\n",
                    t->modules[mv->module].name, fr__human_ns(a, sizeof a, mv->saves_ns));
            for (size_t j = 0; j < mv->nedges && j < 3; j++)
                edge_line(f, t, "    ", mv->edges[j], mv->edge_ns[j]);
        }
    }
    fprintf(f, "\ncalls that cross, costliest first:%s\n", x->ncut ? "" : " none");
    for (size_t i = 0; i < x->ncut && i < 8; i++)
        edge_line(f, t, "  ", x->cut[i], x->cut_ns[x->cut[i]]);
    if (x->ncut > 8)
        fprintf(f, "  ... and %zu more (--json has all)\n", x->ncut - 8);
    if (w->yaml || w->dot)
        fprintf(f, "\nwrote%s%s%s%s\n", w->yaml ? " " : "", w->yaml ? w->yaml : "",
                w->dot ? " " : "", w->dot ? w->dot : "");
}

static json_t *cost_json(const struct fr_trace *t, const struct fr_place_cost *pc)
{
    double pct = fr__percent_of_wall(t, pc->total_ns);

    return json_pack("{s:I, s:I, s:f, s:f, s:f, s:o}", "crossing_calls", (json_int_t)pc->calls,
                     "crossing_bytes", (json_int_t)pc->bytes, "crossing_ns", pc->cross_ns,
                     "environment_ns", pc->env_ns, "total_ns", pc->total_ns,
                     "percent_of_wall", pct >= 0 ? json_real(pct) : json_null());
}

static json_t *edge_json(const struct fr_trace *t, size_t i, double ns)
{
    const struct fr_tedge *ed = &t->edges[i];

    return json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:f}", "from",
                     t->modules[ed->from].name, "to", t->modules[ed->to].name, "function",
                     ed->function, "callback", ed->callback, "calls", (json_int_t)ed->calls,
                     "bytes_in", (json_int_t)ed->bytes_in, "bytes_out",
                     (json_int_t)ed->bytes_out, "fds", (json_int_t)ed->fds, "ns", ns);
}

static json_t *fmps_json(const struct fr_problem *p, const struct fr_solution *s,
                         const int *part)
{
    json_t *arr = json_array();

    for (unsigned fm = 1; arr && fm <= s->nfmps; fm++) {
        json_t *mods = json_array();
        for (size_t m = 0; m < p->t->nmodules; m++)
            if (part[m] == (int)fm)
                json_array_append_new(mods, json_string(p->t->modules[m].name));
        json_array_append_new(arr, json_pack("{s:s, s:o}", "name", s->fmp_names[fm],
                                             "modules", mods));
    }
    return arr;
}

static json_t *opt_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

int fr__report_json(FILE *f, const struct fr_problem *p, const struct fr_solution *s,
                    const struct fr_explain *x, const struct fr_written *w)
{
    const struct fr_trace *t = p->t;
    json_t *traces = json_array(), *isolate = json_array(), *alts = json_array(),
           *moved = json_array(), *cross = json_array(), *root;
    int rc;

    for (size_t i = 0; i < t->nfiles; i++)
        json_array_append_new(traces, json_string(t->files[i]));
    for (size_t i = 0; i < p->nterms; i++)
        json_array_append_new(isolate, json_string(t->modules[p->terms[i]].name));
    for (size_t i = 0; i < x->nalts; i++) {
        json_t *a = json_pack("{s:s, s:b, s:o, s:o}", "label", x->alts[i].label, "chosen",
                              x->alts[i].chosen, "fmps", fmps_json(p, s, x->alts[i].part),
                              "cost", cost_json(t, &x->alts[i].cost));
        json_array_append_new(alts, a);
    }
    for (size_t i = 0; i < x->nmoved; i++) {
        const struct fr_moved *mv = &x->moved[i];
        json_t *edges = json_array();
        for (size_t j = 0; j < mv->nedges; j++)
            json_array_append_new(edges, edge_json(t, mv->edges[j], mv->edge_ns[j]));
        json_array_append_new(moved, json_pack("{s:s, s:s, s:f, s:o}", "module",
                                               t->modules[mv->module].name, "fmp",
                                               s->fmp_names[mv->fmp], "saves_ns",
                                               mv->saves_ns, "edges", edges));
    }
    for (size_t i = 0; i < x->ncut; i++)
        json_array_append_new(cross, edge_json(t, x->cut[i], x->cut_ns[x->cut[i]]));
    root = json_pack(
        "{s:{s:s, s:s}, s:o, s:I, s:I,"
        " s:{s:o, s:o, s:s, s:s, s:o, s:o},"
        " s:{s:f, s:s, s:f, s:s, s:f, s:s, s:o, s:f, s:s},"
        " s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o}}",
        "app", "name", t->app_name, "id", t->app_id,
        "traces", traces, "runs", (json_int_t)t->runs, "wall_ns", (json_int_t)t->wall_ns,
        "request", "isolate", isolate, "parts", p->parts ? json_integer(p->parts) : json_null(),
        "policy", fr__policy_name(p->cost.policy), "env", p->env->name,
        "replicas", p->cost.policy == FR_POLICY_REPLICATE ? json_integer(p->cost.replicas)
                                                           : json_null(),
        "sample_share", p->cost.policy == FR_POLICY_SAMPLE ? json_real(p->cost.share)
                                                            : json_null(),
        "factors", "call_ns", p->cost.call_ns, "call_ns_from", p->fig->call_from,
        "byte_ns", p->cost.byte_ns, "byte_ns_from", p->fig->byte_from,
        "fd_ns", p->cost.fd_ns, "fd_ns_from", p->fig->fd_from,
        "bench", opt_string(p->fig->bench), "slowdown", p->env->slowdown,
        "slowdown_from", p->env->slowdown_from,
        "method", method_key(s->method), "method_text", fr__method_name(s->method),
        "method_note", fr__method_note(s->method),
        "metis_filled_parts", (json_int_t)s->metis_filled,
        "fmps", fmps_json(p, s, s->part), "predicted", cost_json(t, &s->cost),
        "alternatives", alts, "moved", moved, "crossing", cross,
        "written", "yaml", opt_string(w->yaml), "dot", opt_string(w->dot));
    if (!root)
        return -ENOMEM;
    rc = json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) ? -EIO : 0;
    fputc('\n', f);
    json_decref(root);
    return rc;
}
