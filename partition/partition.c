/*
 * partition.c - the problem's constraints and the choice of method
 * (partition.h).
 */
#include "partition.h"

#include <errno.h>
#include <string.h>
#include <talloc.h>

#include "diag.h"             /* fr__suggest */
#include "isolate.h"
#include "parts.h"
#include "multiway.h"

int fr__partition_module(const struct fr_trace *t, const char *name, size_t *out,
                         struct fr_perr *e)
{
    long m = fr__trace_module(t, name);

    if (m < 0) {
        const char **names = talloc_array(e->ctx, const char *, t->nmodules);
        const char *best;
        char *list;

        if (!names)
            return fr__perr_oom(e);
        list = talloc_strdup(e->ctx, "the modules that may be isolated:");
        for (size_t i = 0; i < t->nmodules; i++) {
            names[i] = t->modules[i].name;
            if (list && i != t->main_index)
                list = talloc_asprintf_append(list, " %s", names[i]);
        }
        best = fr__suggest(name, names, t->nmodules);
        return fr__perr_set(e, -EINVAL, FR_PERR_USAGE,
                            best ? talloc_asprintf(e->ctx, "did you mean '%s'?", best) : list,
                            "--isolate %s: no module '%s' in the trace", name, name);
    }
    if ((size_t)m == t->main_index)
        return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, "isolate one of the other modules: "
                            "main holds main() and always stays in the root FMP",
                            "--isolate main: main stays in the root FMP");
    *out = (size_t)m;
    return 0;
}

/* The caps of @m as a list, for messages. */
static char *caps_text(void *ctx, unsigned caps)
{
    char *s = talloc_strdup(ctx, "");

    for (unsigned c = 1; s && c <= FR_CAP_SAMPLABLE; c <<= 1)
        if (caps & c)
            s = talloc_asprintf_append(s, "%s%s", *s ? ", " : "", fr__cap_name(c));
    return s && *s ? s : talloc_strdup(ctx, "none");
}

int fr__partition_prepare(void *ctx, struct fr_problem *p, struct fr_perr *e)
{
    const struct fr_trace *t = p->t;
    unsigned need = fr__policy_caps(p->cost.policy);
    size_t movable = 0;

    p->root_only = talloc_zero_array(ctx, bool, t->nmodules);
    if (!p->root_only)
        return fr__perr_oom(e);
    for (size_t m = 0; m < t->nmodules; m++) {
        p->root_only[m] = m == t->main_index || (t->modules[m].caps & need) != need;
        movable += !p->root_only[m];
    }
    for (size_t i = 0; i < p->nterms; i++) {
        const struct fr_tmodule *m = &t->modules[p->terms[i]];
        for (size_t j = 0; j < i; j++)
            if (p->terms[j] == p->terms[i])
                return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, "name each module once",
                                    "--isolate %s: given twice", m->name);
        if (p->root_only[p->terms[i]])
            return fr__perr_set(e, -EINVAL, FR_PERR_USAGE,
                                talloc_asprintf(ctx, "choose a policy its caps allow (its "
                                                "caps: %s), or give the module the cap in "
                                                "its FRACTURE_MODULE line if it has it",
                                                caps_text(ctx, m->caps)),
                                "--isolate %s --policy %s: module '%s' is not %s",
                                m->name, fr__policy_name(p->cost.policy), m->name,
                                fr__cap_name(need));
    }
    if (p->parts && p->parts < 2)
        return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, "one part is the program as it is; "
                            "ask for 2 or more", "--parts %u: at least 2 parts", p->parts);
    if (p->parts && p->parts > movable + 1)
        return fr__perr_set(e, -EINVAL, FR_PERR_USAGE,
                            talloc_asprintf(ctx, "ask for at most %zu parts: the root and "
                                            "one per module that may leave it", movable + 1),
                            "--parts %u: more parts than modules: %zu of the %zu modules "
                            "may leave the root%s%s", p->parts, movable, t->nmodules,
                            need ? " under --policy " : "",
                            need ? fr__policy_name(p->cost.policy) : "");
    return 0;
}

/* FMP names: the isolated module's, or partN; never the reserved 'root'. */
static int name_fmps(void *ctx, const struct fr_problem *p, struct fr_solution *s)
{
    s->fmp_names = talloc_zero_array(ctx, char *, s->nfmps + 1);
    if (!s->fmp_names)
        return -ENOMEM;
    s->fmp_names[0] = talloc_strdup(ctx, "root");
    for (unsigned i = 1; i <= s->nfmps; i++) {
        const char *mod = p->nterms ? p->t->modules[p->terms[i - 1]].name : NULL;
        if (mod && strcmp(mod, "root") != 0 && strlen(mod) <= 63)
            s->fmp_names[i] = talloc_strdup(ctx, mod);
        else if (mod)
            s->fmp_names[i] = talloc_asprintf(ctx, "fmp%u", i);
        else
            s->fmp_names[i] = talloc_asprintf(ctx, "part%u", i);
        if (!s->fmp_names[i])
            return -ENOMEM;
    }
    return 0;
}

static int solve_one(void *ctx, const struct fr_problem *p, int *part, struct fr_perr *e)
{
    size_t n = p->t->nmodules;
    signed char *fixed = talloc_zero_array(ctx, signed char, n);
    bool *in_s = talloc_zero_array(ctx, bool, n);
    double value;
    int rc;

    if (!fixed || !in_s)
        return fr__perr_oom(e);
    for (size_t m = 0; m < n; m++)
        fixed[m] = p->root_only[m] ? FR_SIDE_T : FR_SIDE_FREE;
    fixed[p->terms[0]] = FR_SIDE_S;
    rc = fr__isolate_cut(ctx, p->t, &p->cost, fixed, false, in_s, &value, e);
    for (size_t m = 0; m < n && !rc; m++)
        part[m] = in_s[m] ? 1 : 0;
    talloc_free(fixed);
    talloc_free(in_s);
    return rc;
}

int fr__partition_solve(void *ctx, const struct fr_problem *p, struct fr_solution *s,
                        struct fr_perr *e)
{
    int rc;

    *s = (struct fr_solution){ 0 };
    s->part = talloc_zero_array(ctx, int, p->t->nmodules);
    if (!s->part)
        return fr__perr_oom(e);
    if (p->parts) {
        s->method = FR_METHOD_METIS;
        s->nfmps = p->parts - 1;
        rc = fr__metis_parts(ctx, p->t, &p->cost, p->root_only, p->parts, s->part,
                             &s->metis_filled, e);
    } else if (p->nterms == 1) {
        s->method = FR_METHOD_MINCUT;
        s->nfmps = 1;
        rc = solve_one(ctx, p, s->part, e);
    } else {
        s->nfmps = (unsigned)p->nterms;
        rc = fr__multiway(ctx, p->t, &p->cost, p->root_only, p->terms, p->nterms, s->part,
                          &s->method, e);
    }
    if (rc)
        return rc;
    if (name_fmps(ctx, p, s))
        return fr__perr_oom(e);
    fr__place_cost(p->t, &p->cost, s->part, &s->cost);
    return 0;
}

const char *fr__method_name(enum fr_method m)
{
    switch (m) {
    case FR_METHOD_MINCUT: return "minimum s-t cut (max-flow, Dinic)";
    case FR_METHOD_ENUMERATE: return "multiway cut by enumeration";
    case FR_METHOD_ISOLATION: return "multiway cut by the isolation heuristic";
    case FR_METHOD_METIS: return "METIS k-way partition (recursive bisection)";
    }
    return "?";
}

const char *fr__method_note(enum fr_method m)
{
    switch (m) {
    case FR_METHOD_MINCUT:
        return "exact: no placement of the modules costs less under the model";
    case FR_METHOD_ENUMERATE:
        return "exact: every placement of the free modules was tried (at most 2^20)";
    case FR_METHOD_ISOLATION:
        return "each FMP and the root cut from the others by an exact minimum cut, the "
               "costliest cut left out: at most 2 - 2/(k+1) times the optimum for k FMPs "
               "when a crossing costs the same both ways (no --policy replicate)";
    case FR_METHOD_METIS:
        return "heuristic: METIS minimises the crossings' cost with the parts balanced by "
               "CPU, not the cost alone";
    }
    return "?";
}
