/*
 * isolate.c - the two-sided placement as a min s-t cut (isolate.h).
 *
 * Node m is module m; two more nodes are the source (S's anchor) and the
 * sink (T's).  The cut's capacity is the sum of arcs from S to T, so every
 * cost the placement can incur is an arc that crosses exactly when the
 * cost is paid:
 *   - a call u -> v costs its crossing when u and v are apart, and the
 *     crossing into a child side costs more (replicas): arc u -> v carries
 *     the cost of "u in S, v in T", arc v -> u that of "v in S, u in T";
 *   - a module on the child side pays its environment: an arc m -> sink
 *     when the child side is S, source -> m when it is T;
 *   - a fixed module: an infinite arc from the source (S) or to the sink
 *     (T), which no minimum cut takes.
 */
#include "isolate.h"

#include <errno.h>
#include <talloc.h>

#include "maxflow.h"

int fr__isolate_cut(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                    const signed char *fixed, bool s_is_root, bool *in_s, double *value,
                    struct fr_perr *e)
{
    int n = (int)t->nmodules, src = n, sink = n + 1, rc = 0;
    bool has_s = false, has_t = false;
    struct fr_flow *f;
    double v;

    for (int m = 0; m < n; m++) {
        has_s |= fixed[m] == FR_SIDE_S;
        has_t |= fixed[m] == FR_SIDE_T;
    }
    if (!has_s || !has_t)
        return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, NULL, "internal: a cut needs a "
                            "module fixed on each side");
    f = fr__flow_new(ctx, n + 2);
    if (!f)
        return fr__perr_oom(e);
    for (size_t i = 0; i < t->nedges && !rc; i++) {
        const struct fr_tedge *ed = &t->edges[i];
        int u = (int)ed->from, w = (int)ed->to;
        /* u in S, w in T: the callee is on T, a child side unless T is the root */
        rc = fr__flow_arc(f, u, w, fr__crossing_cost(c, ed, s_is_root));
        if (!rc)
            rc = fr__flow_arc(f, w, u, fr__crossing_cost(c, ed, !s_is_root));
    }
    for (int m = 0; m < n && !rc; m++) {
        double env = fr__env_cost(c, &t->modules[m]);
        if (fixed[m] == FR_SIDE_S)
            rc = fr__flow_arc(f, src, m, FR_FLOW_INF);
        else if (fixed[m] == FR_SIDE_T)
            rc = fr__flow_arc(f, m, sink, FR_FLOW_INF);
        if (!rc && env > 0)
            rc = s_is_root ? fr__flow_arc(f, src, m, env) : fr__flow_arc(f, m, sink, env);
    }
    if (rc) {
        talloc_free(f);
        return rc == -ENOMEM ? fr__perr_oom(e)
                             : fr__perr_set(e, rc, FR_PERR_FAILURE, NULL, "internal: a cost "
                                            "is negative or not a number");
    }
    v = fr__flow_run(f, src, sink);
    for (int m = 0; m < n; m++)
        in_s[m] = fr__flow_source_side(f, m);
    talloc_free(f);
    if (!(v < FR_FLOW_INF))
        return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, NULL, "internal: no finite cut");
    *value = v;
    return 0;
}
