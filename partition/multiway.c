/*
 * multiway.c - several FMPs at once (multiway.h): exact enumeration, or
 * the isolation heuristic.
 */
#include "multiway.h"

#include <errno.h>
#include <string.h>
#include <talloc.h>

#include "isolate.h"

/* Cheaper by more than rounding: ties go to the placement found first
 * (enumeration: fewer modules moved, see below). */
static bool cheaper(double a, double b)
{
    return a < b - 1e-9 * (b > 0 ? b : -b);
}

bool fr__multiway_enum_fits(size_t k, size_t nfree)
{
    unsigned long long n = 1;

    for (size_t i = 0; i < nfree; i++) {
        n *= k + 1;
        if (n > FR_ENUM_MAX)
            return false;
    }
    return true;
}

static size_t moved(const int *part, size_t n)
{
    size_t c = 0;
    for (size_t m = 0; m < n; m++)
        c += part[m] != 0;
    return c;
}

/* Every placement of the free modules, as an odometer over 0..k. */
static int enumerate(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                     const size_t *freem, size_t nfree, size_t k, int *part,
                     struct fr_perr *e)
{
    size_t n = t->nmodules;
    int *cur = talloc_memdup(ctx, part, n * sizeof *part);
    double best = 0;
    size_t best_moved = 0;
    bool have = false;

    if (!cur)
        return fr__perr_oom(e);
    for (;;) {
        struct fr_place_cost pc;
        fr__place_cost(t, c, cur, &pc);
        /* equal cost: the placement that moves fewer modules */
        if (!have || cheaper(pc.total_ns, best) ||
            (!cheaper(best, pc.total_ns) && moved(cur, n) < best_moved)) {
            best = pc.total_ns;
            best_moved = moved(cur, n);
            memcpy(part, cur, n * sizeof *part);
            have = true;
        }
        size_t d = 0;
        while (d < nfree && cur[freem[d]] == (int)k)
            cur[freem[d++]] = 0;
        if (d == nfree)
            break;
        cur[freem[d]]++;
    }
    talloc_free(cur);
    return 0;
}

/* The isolating cut of terminal @i (or of the root, @i == k): its side. */
static int isolating(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                     const bool *root_only, const size_t *terms, size_t k, size_t i,
                     bool *side, double *value, struct fr_perr *e)
{
    size_t n = t->nmodules;
    signed char *fixed = talloc_zero_array(ctx, signed char, n);
    bool root = i == k;
    int rc;

    if (!fixed)
        return fr__perr_oom(e);
    for (size_t m = 0; m < n; m++)
        if (root_only[m])
            fixed[m] = root ? FR_SIDE_S : FR_SIDE_T;
    for (size_t j = 0; j < k; j++)
        fixed[terms[j]] = j == i ? FR_SIDE_S : FR_SIDE_T;
    rc = fr__isolate_cut(ctx, t, c, fixed, root, side, value, e);
    talloc_free(fixed);
    return rc;
}

/* The heuristic's candidate that leaves out cut @drop (k: the root's):
 * the kept cuts' sides claim their modules, the root's first, then the
 * cheapest cut's; what no kept cut claims belongs to the terminal whose
 * cut was left out. */
static void candidate(const struct fr_trace *t, const bool *root_only, size_t k,
                      bool *const *side, const double *value, size_t drop, int *part)
{
    size_t n = t->nmodules, order[k], norder = 0;
    bool taken[n];

    memset(taken, 0, sizeof taken);
    for (size_t m = 0; m < n; m++)
        part[m] = drop == k ? 0 : (int)drop + 1;
    for (size_t m = 0; m < n; m++)
        if (root_only[m] || (drop != k && side[k][m])) {
            part[m] = 0;
            taken[m] = true;
        }
    for (size_t j = 0; j < k; j++)
        if (j != drop)
            order[norder++] = j;
    for (size_t a = 1; a < norder; a++)
        for (size_t b = a; b > 0 && value[order[b]] < value[order[b - 1]]; b--) {
            size_t x = order[b];
            order[b] = order[b - 1];
            order[b - 1] = x;
        }
    for (size_t o = 0; o < norder; o++)
        for (size_t m = 0; m < n; m++)
            if (side[order[o]][m] && !taken[m]) {
                part[m] = (int)order[o] + 1;
                taken[m] = true;
            }
}

/* Moves of one free module to another FMP (or the root) while one lowers
 * the cost: never worse than what it starts from, so the bound holds,
 * and the heuristic's answer is at least a local optimum. */
static void improve(const struct fr_trace *t, const struct fr_cost *c, const bool *root_only,
                    const size_t *terms, size_t k, int *part)
{
    size_t n = t->nmodules;
    struct fr_place_cost pc;
    bool again = true, fixed[n];
    double cur;

    for (size_t m = 0; m < n; m++)
        fixed[m] = root_only[m];
    for (size_t j = 0; j < k; j++)
        fixed[terms[j]] = true;
    fr__place_cost(t, c, part, &pc);
    cur = pc.total_ns;
    for (size_t pass = 0; again && pass < 4 * n + 4; pass++) {
        again = false;
        for (size_t m = 0; m < n; m++) {
            for (int to = 0; !fixed[m] && to <= (int)k; to++) {
                int from = part[m];
                if (to == from)
                    continue;
                part[m] = to;
                fr__place_cost(t, c, part, &pc);
                if (cheaper(pc.total_ns, cur)) {
                    cur = pc.total_ns;
                    again = true;
                } else {
                    part[m] = from;
                }
            }
        }
    }
}

int fr__multiway_isolation(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                           const bool *root_only, const size_t *terms, size_t k, int *part,
                           struct fr_perr *e)
{
    size_t n = t->nmodules, drop = k;
    bool **side = talloc_zero_array(ctx, bool *, k + 1);
    double *value = talloc_zero_array(ctx, double, k + 1), best;
    int *cand = talloc_array(ctx, int, n);
    struct fr_place_cost pc;
    int rc = 0;

    if (!side || !value || !cand) {
        rc = fr__perr_oom(e);
        goto out;
    }
    for (size_t i = 0; i <= k && !rc; i++) {
        side[i] = talloc_zero_array(side, bool, n);
        rc = side[i] ? isolating(ctx, t, c, root_only, terms, k, i, side[i], &value[i], e)
                     : fr__perr_oom(e);
    }
    if (rc)
        goto out;
    for (size_t i = 0; i < k; i++)
        if (value[i] > value[drop])
            drop = i;
    /* each module alone: the answer to beat */
    for (size_t m = 0; m < n; m++)
        part[m] = 0;
    for (size_t j = 0; j < k; j++)
        part[terms[j]] = (int)j + 1;
    fr__place_cost(t, c, part, &pc);
    best = pc.total_ns;
    /* the bound's candidate (the costliest cut left out), and the root's
     * left out, which keeps every FMP as its own cut found it */
    size_t drops[2] = { drop, k };
    for (size_t d = 0; d < (drop == k ? 1u : 2u); d++) {
        candidate(t, root_only, k, side, value, drops[d], cand);
        for (size_t j = 0; j < k; j++)
            cand[terms[j]] = (int)j + 1;
        fr__place_cost(t, c, cand, &pc);
        if (cheaper(pc.total_ns, best)) {
            best = pc.total_ns;
            memcpy(part, cand, n * sizeof *part);
        }
    }
    improve(t, c, root_only, terms, k, part);
out:
    talloc_free(side);
    talloc_free(value);
    talloc_free(cand);
    return rc;
}

int fr__multiway(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                 const bool *root_only, const size_t *terms, size_t k, int *part,
                 enum fr_method *method, struct fr_perr *e)
{
    size_t n = t->nmodules, nfree = 0;
    size_t *freem = talloc_array(ctx, size_t, n ? n : 1);
    int rc;

    if (!freem)
        return fr__perr_oom(e);
    for (size_t m = 0; m < n; m++)
        part[m] = 0;
    for (size_t j = 0; j < k; j++)
        part[terms[j]] = (int)j + 1;
    for (size_t m = 0; m < n; m++)
        if (!root_only[m] && part[m] == 0)
            freem[nfree++] = m;
    if (fr__multiway_enum_fits(k, nfree)) {
        *method = FR_METHOD_ENUMERATE;
        rc = enumerate(ctx, t, c, freem, nfree, k, part, e);
    } else {
        *method = FR_METHOD_ISOLATION;
        rc = fr__multiway_isolation(ctx, t, c, root_only, terms, k, part, e);
    }
    talloc_free(freem);
    return rc;
}
