/*
 * parts.c - `--parts K` with METIS (parts.h); named so that <metis.h>, the
 * library's header, is not shadowed by its own.
 *
 * METIS takes integer weights (idx_t, 32 bits in Debian's build): CPU
 * times and costs are scaled so that the largest is 10^6 and every
 * positive one at least 1.  METIS prints its complaints about graphs too
 * small for K on stdout, which is the CLI's (its JSON); stdout is pointed
 * at /dev/null while it runs.
 */
#include "parts.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <metis.h>
#include <stdio.h>
#include <string.h>
#include <talloc.h>
#include <unistd.h>

#define SCALE 1e6

static idx_t scaled(double v, double max)
{
    if (!(max > 0) || !(v > 0))
        return 1;
    double s = round(v / max * SCALE);
    return s < 1 ? 1 : (idx_t)s;
}

/* Run METIS with stdout silenced. */
static int run_metis(idx_t nv, idx_t *xadj, idx_t *adj, idx_t *vw, idx_t *ew, idx_t k,
                     idx_t *mp)
{
    idx_t ncon = 1, obj, opt[METIS_NOPTIONS];
    int saved, null, rc;

    METIS_SetDefaultOptions(opt);
    opt[METIS_OPTION_SEED] = 1;   /* the same answer every run */
    opt[METIS_OPTION_NUMBERING] = 0;
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && null >= 0)
        dup2(null, STDOUT_FILENO);
    rc = METIS_PartGraphRecursive(&nv, &ncon, xadj, adj, vw, NULL, ew, &k, NULL, NULL, opt,
                                  &obj, mp);
    fflush(stdout);
    if (saved >= 0 && null >= 0)
        dup2(saved, STDOUT_FILENO);
    if (saved >= 0)
        close(saved);
    if (null >= 0)
        close(null);
    return rc;
}

/* Give each empty part the movable module whose move there costs least,
 * taken from a part it leaves non-empty. */
static unsigned fill_empty(const struct fr_trace *t, const struct fr_cost *c,
                           const bool *root_only, unsigned k, int *part)
{
    size_t n = t->nmodules;
    unsigned filled = 0, count[k];

    memset(count, 0, sizeof count);
    for (size_t m = 0; m < n; m++)
        count[part[m]]++;
    for (unsigned p = 1; p < k; p++) {
        size_t best = n;
        double best_ns = 0;
        if (count[p])
            continue;
        for (size_t m = 0; m < n; m++) {
            struct fr_place_cost pc;
            int from = part[m];
            if (root_only[m] || (from != 0 && count[from] < 2))
                continue;
            part[m] = (int)p;
            fr__place_cost(t, c, part, &pc);
            part[m] = from;
            if (best == n || pc.total_ns < best_ns) {
                best = m;
                best_ns = pc.total_ns;
            }
        }
        if (best == n)
            break;            /* cannot happen with k <= movable + 1 */
        count[part[best]]--;
        part[best] = (int)p;
        count[p]++;
        filled++;
    }
    return filled;
}

int fr__metis_parts(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                    const bool *root_only, unsigned k, int *part, unsigned *filled,
                    struct fr_perr *e)
{
    size_t n = t->nmodules, nv = 1, nadj = 0;
    void *tmp = talloc_new(ctx);
    size_t *vid = talloc_array(tmp, size_t, n);
    double *w, *cpu, maxw = 0, maxv = 0;
    idx_t *xadj, *adj, *ew, *vw, *mp;
    int *label, rc = 0;

    if (!tmp || !vid)
        goto out_oom;
    for (size_t m = 0; m < n; m++)
        vid[m] = root_only[m] ? 0 : nv++;
    w = talloc_zero_array(tmp, double, nv * nv);
    cpu = talloc_zero_array(tmp, double, nv);
    xadj = talloc_array(tmp, idx_t, nv + 1);
    adj = talloc_array(tmp, idx_t, nv * nv);
    ew = talloc_array(tmp, idx_t, nv * nv);
    vw = talloc_array(tmp, idx_t, nv);
    mp = talloc_zero_array(tmp, idx_t, nv);
    label = talloc_array(tmp, int, k);
    if (!w || !cpu || !xadj || !adj || !ew || !vw || !mp || !label)
        goto out_oom;
    for (size_t i = 0; i < t->nedges; i++) {
        const struct fr_tedge *ed = &t->edges[i];
        size_t a = vid[ed->from], b = vid[ed->to];
        if (a == b)
            continue;
        double cost = fr__crossing_cost(c, ed, b != 0);
        w[a * nv + b] += cost;
        w[b * nv + a] += cost;
    }
    for (size_t m = 0; m < n; m++) {
        cpu[vid[m]] += (double)t->modules[m].cpu_ns;
        if (vid[m]) {
            double env = fr__env_cost(c, &t->modules[m]);
            w[vid[m]] += env;
            w[vid[m] * nv] += env;
        }
    }
    for (size_t i = 0; i < nv * nv; i++)
        maxw = w[i] > maxw ? w[i] : maxw;
    for (size_t v = 0; v < nv; v++) {
        maxv = cpu[v] > maxv ? cpu[v] : maxv;
        xadj[v] = (idx_t)nadj;
        for (size_t u = 0; u < nv; u++)
            if (u != v && w[v * nv + u] > 0) {
                adj[nadj] = (idx_t)u;
                ew[nadj++] = scaled(w[v * nv + u], maxw);
            }
    }
    xadj[nv] = (idx_t)nadj;
    for (size_t v = 0; v < nv; v++)
        vw[v] = scaled(cpu[v], maxv);
    if (run_metis((idx_t)nv, xadj, adj, vw, ew, (idx_t)k, mp) != METIS_OK) {
        rc = fr__perr_set(e, -EIO, FR_PERR_FAILURE, "try --isolate, which needs no METIS",
                          "METIS could not partition the module graph");
        goto out;
    }
    /* main's part is the root (0); the others numbered as met */
    for (unsigned p = 0; p < k; p++)
        label[p] = -1;
    label[mp[0]] = 0;
    int next = 1;
    for (size_t v = 0; v < nv; v++)
        if (mp[v] >= 0 && mp[v] < (idx_t)k && label[mp[v]] < 0)
            label[mp[v]] = next++;
    for (size_t m = 0; m < n; m++) {
        idx_t p = mp[vid[m]];
        part[m] = p >= 0 && p < (idx_t)k ? label[p] : 0;
    }
    *filled = fill_empty(t, c, root_only, k, part);
    goto out;
out_oom:
    rc = fr__perr_oom(e);
out:
    talloc_free(tmp);
    return rc;
}
