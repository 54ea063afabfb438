/*
 * explain.c - the alternatives, savings and crossings behind an answer
 * (explain.h), and how a cost is said in words.
 */
#include "explain.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

/* @v in the largest of @units (each 1000 times the one before) it fills
 * at least once, with @prec[i] decimals. */
static const char *human(char *buf, size_t n, double v, const char *const *units,
                         const int *prec, size_t nunits)
{
    size_t u = 0;

    while (u + 1 < nunits && v >= 1000) {
        v /= 1000;
        u++;
    }
    snprintf(buf, n, "%.*f %s", prec[u], v, units[u]);
    return buf;
}

const char *fr__human_ns(char *buf, size_t n, double ns)
{
    static const char *const units[] = { "ns", "us", "ms", "s" };
    static const int prec[] = { 1, 2, 2, 3 };

    return human(buf, n, ns, units, prec, 4);
}

const char *fr__human_bytes(char *buf, size_t n, double bytes)
{
    static const char *const units[] = { "B", "kB", "MB", "GB" };
    static const int prec[] = { 0, 1, 1, 2 };

    return human(buf, n, bytes, units, prec, 4);
}

char *fr__edge_text(void *ctx, const struct fr_trace *t, size_t i, double ns)
{
    const struct fr_tedge *ed = &t->edges[i];
    char a[32], b[32];

    return talloc_asprintf(ctx, "%s -> %s (%s%s): %lld calls, %s, %s",
                           t->modules[ed->from].name, t->modules[ed->to].name, ed->function,
                           ed->callback ? ", a callback" : "", (long long)ed->calls,
                           fr__human_bytes(a, sizeof a,
                                           (double)ed->bytes_in + (double)ed->bytes_out),
                           fr__human_ns(b, sizeof b, ns));
}

double fr__percent_of_wall(const struct fr_trace *t, double ns)
{
    return t->wall_ns > 0 ? 100.0 * ns / (double)t->wall_ns : -1;
}

static bool is_term(const struct fr_problem *p, size_t m)
{
    for (size_t i = 0; i < p->nterms; i++)
        if (p->terms[i] == m)
            return true;
    return false;
}

char *fr__fmp_modules(void *ctx, const struct fr_problem *p, const int *part, int fmp,
                      const char *sep)
{
    char *s = talloc_strdup(ctx, "");

    /* the isolated module first: the line reads as "it, and what came with it" */
    if (fmp > 0 && (size_t)fmp <= p->nterms && !p->parts)
        s = talloc_asprintf_append(s, "%s", p->t->modules[p->terms[fmp - 1]].name);
    for (size_t m = 0; s && m < p->t->nmodules; m++)
        if (part[m] == fmp && !(is_term(p, m) && !p->parts && fmp > 0))
            s = talloc_asprintf_append(s, "%s%s", *s ? sep : "", p->t->modules[m].name);
    return s;
}

/* The label of a placement: one FMP's modules, or each FMP's. */
static char *label_of(void *ctx, const struct fr_problem *p, const int *part, unsigned nfmps)
{
    char *s;

    if (nfmps == 1)
        return fr__fmp_modules(ctx, p, part, 1, " + ");
    s = talloc_strdup(ctx, "");
    for (unsigned f = 1; s && f <= nfmps; f++) {
        char *mods = fr__fmp_modules(ctx, p, part, (int)f, " + ");
        s = mods ? talloc_asprintf_append(s, "%s{%s}", f > 1 ? " " : "", mods) : NULL;
    }
    return s;
}

static int add_alt(void *ctx, const struct fr_problem *p, struct fr_explain *x,
                   const int *part, unsigned nfmps, bool chosen)
{
    size_t n = p->t->nmodules;
    struct fr_alt *a;

    for (size_t i = 0; i < x->nalts; i++)
        if (memcmp(x->alts[i].part, part, n * sizeof *part) == 0)
            return 0;         /* the same placement under another name */
    a = talloc_realloc(ctx, x->alts, struct fr_alt, x->nalts + 1);
    if (!a)
        return -ENOMEM;
    x->alts = a;
    a = &x->alts[x->nalts];
    *a = (struct fr_alt){ .chosen = chosen };
    a->part = talloc_memdup(ctx, part, n * sizeof *part);
    a->label = label_of(ctx, p, part, nfmps);
    if (!a->part || !a->label)
        return -ENOMEM;
    fr__place_cost(p->t, &p->cost, part, &a->cost);
    x->nalts++;
    return 0;
}

static int alternatives(void *ctx, const struct fr_problem *p, const struct fr_solution *s,
                        struct fr_explain *x)
{
    const struct fr_trace *t = p->t;
    size_t n = t->nmodules;
    int *alone = talloc_zero_array(ctx, int, n), *with = talloc_array(ctx, int, n);

    if (!alone || !with)
        return -ENOMEM;
    if (add_alt(ctx, p, x, s->part, s->nfmps, true))
        return -ENOMEM;
    if (p->parts)
        return 0;             /* K parts: no "module alone" to speak of */
    for (size_t j = 0; j < p->nterms; j++)
        alone[p->terms[j]] = (int)j + 1;
    if (add_alt(ctx, p, x, alone, s->nfmps, false))
        return -ENOMEM;
    for (size_t j = 0; j < p->nterms; j++)
        for (size_t i = 0; i < t->nedges; i++) {
            const struct fr_tedge *ed = &t->edges[i];
            size_t nb = ed->from == p->terms[j] ? ed->to : ed->from;
            if ((ed->from != p->terms[j] && ed->to != p->terms[j]) || nb == p->terms[j] ||
                p->root_only[nb] || is_term(p, nb))
                continue;
            memcpy(with, alone, n * sizeof *with);
            with[nb] = (int)j + 1;
            if (add_alt(ctx, p, x, with, s->nfmps, false))
                return -ENOMEM;
        }
    /* the others cheapest first, after the answer */
    for (size_t a = 2; a < x->nalts; a++)
        for (size_t b = a; b > 1 && x->alts[b].cost.total_ns < x->alts[b - 1].cost.total_ns;
             b--) {
            struct fr_alt tmp = x->alts[b];
            x->alts[b] = x->alts[b - 1];
            x->alts[b - 1] = tmp;
        }
    return 0;
}

/* Sort @idx by @key (parallel to @idx when @parallel, else indexed by
 * @idx's values), costliest first. */
static void by_cost(size_t *idx, double *key, size_t n, bool parallel)
{
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0; b--) {
            double kb = parallel ? key[b] : key[idx[b]];
            double ka = parallel ? key[b - 1] : key[idx[b - 1]];
            if (!(kb > ka))
                break;
            size_t tmp = idx[b];
            idx[b] = idx[b - 1];
            idx[b - 1] = tmp;
            if (parallel) {
                double tk = key[b];
                key[b] = key[b - 1];
                key[b - 1] = tk;
            }
        }
}

static int moved(void *ctx, const struct fr_problem *p, const struct fr_solution *s,
                 struct fr_explain *x)
{
    const struct fr_trace *t = p->t;
    size_t n = t->nmodules;
    int *back = talloc_memdup(ctx, s->part, n * sizeof *s->part);

    x->moved = talloc_zero_array(ctx, struct fr_moved, n);
    if (!back || !x->moved)
        return -ENOMEM;
    for (size_t m = 0; m < n; m++) {
        struct fr_moved *mv = &x->moved[x->nmoved];
        struct fr_place_cost pc;
        if (s->part[m] == 0 || (is_term(p, m) && !p->parts))
            continue;
        mv->module = m;
        mv->fmp = s->part[m];
        back[m] = 0;
        fr__place_cost(t, &p->cost, back, &pc);
        back[m] = s->part[m];
        mv->saves_ns = pc.total_ns - s->cost.total_ns;
        mv->edges = talloc_array(x->moved, size_t, t->nedges ? t->nedges : 1);
        mv->edge_ns = talloc_array(x->moved, double, t->nedges ? t->nedges : 1);
        if (!mv->edges || !mv->edge_ns)
            return -ENOMEM;
        for (size_t i = 0; i < t->nedges; i++) {
            const struct fr_tedge *ed = &t->edges[i];
            if (ed->from == ed->to || (ed->from != m && ed->to != m) ||
                s->part[ed->from] != s->part[ed->to])
                continue;
            /* with m in the root, the call goes into the child unless m is the callee */
            mv->edge_ns[mv->nedges] = fr__crossing_cost(&p->cost, ed, ed->to != m);
            mv->edges[mv->nedges++] = i;
        }
        by_cost(mv->edges, mv->edge_ns, mv->nedges, true);
        x->nmoved++;
    }
    talloc_free(back);
    return 0;
}

int fr__explain(void *ctx, const struct fr_problem *p, const struct fr_solution *s,
                struct fr_explain *x, struct fr_perr *e)
{
    const struct fr_trace *t = p->t;

    *x = (struct fr_explain){ 0 };
    x->cut_ns = talloc_zero_array(ctx, double, t->nedges ? t->nedges : 1);
    x->cut = talloc_array(ctx, size_t, t->nedges ? t->nedges : 1);
    if (!x->cut_ns || !x->cut)
        return fr__perr_oom(e);
    for (size_t i = 0; i < t->nedges; i++) {
        const struct fr_tedge *ed = &t->edges[i];
        if (s->part[ed->from] != s->part[ed->to]) {
            x->cut_ns[i] = fr__crossing_cost(&p->cost, ed, s->part[ed->to] != 0);
            x->cut[x->ncut++] = i;
        }
    }
    by_cost(x->cut, x->cut_ns, x->ncut, false);
    if (alternatives(ctx, p, s, x) || moved(ctx, p, s, x))
        return fr__perr_oom(e);
    return 0;
}
