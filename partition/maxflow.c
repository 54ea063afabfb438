/*
 * maxflow.c - Dinic's maximum flow (maxflow.h).
 *
 * Arcs live in one array, each beside its reverse (index ^ 1), the
 * adjacency as singly linked lists through `next`.  Each phase builds the
 * level graph by BFS over arcs with residual above the tolerance, then
 * pushes blocking flow by DFS along strictly increasing levels, with a
 * per-node cursor so that each arc is tried once per phase.  On these
 * graphs (tens of nodes) recursion depth is at most the node count.
 */
#include "maxflow.h"

#include <errno.h>
#include <talloc.h>

struct arc {
    int to, next;
    double res;               /* residual capacity */
};

struct fr_flow {
    int n;
    int *head;                /* first arc out of each node, -1: none */
    struct arc *arcs;
    int narcs, cap;
    double finite;            /* sum of finite capacities */
    double eps;               /* residuals at or below it are zero */
    int *level, *cursor, *queue;
    bool ran;
    int s;
};

struct fr_flow *fr__flow_new(void *ctx, int nnodes)
{
    struct fr_flow *f;

    if (nnodes < 2)
        return NULL;
    f = talloc_zero(ctx, struct fr_flow);
    if (!f)
        return NULL;
    f->n = nnodes;
    f->head = talloc_array(f, int, nnodes);
    f->level = talloc_array(f, int, nnodes);
    f->cursor = talloc_array(f, int, nnodes);
    f->queue = talloc_array(f, int, nnodes);
    if (!f->head || !f->level || !f->cursor || !f->queue) {
        talloc_free(f);
        return NULL;
    }
    for (int i = 0; i < nnodes; i++)
        f->head[i] = -1;
    return f;
}

int fr__flow_arc(struct fr_flow *f, int from, int to, double cap)
{
    if (from < 0 || to < 0 || from >= f->n || to >= f->n || !(cap >= 0) || f->ran)
        return -EINVAL;
    if (cap == 0 || from == to)
        return 0;             /* carries nothing, cuts nothing */
    if (f->narcs + 2 > f->cap) {
        int ncap = f->cap ? f->cap * 2 : 16;
        struct arc *a = talloc_realloc(f, f->arcs, struct arc, ncap);
        if (!a)
            return -ENOMEM;
        f->arcs = a;
        f->cap = ncap;
    }
    f->arcs[f->narcs] = (struct arc){ .to = to, .next = f->head[from], .res = cap };
    f->head[from] = f->narcs++;
    f->arcs[f->narcs] = (struct arc){ .to = from, .next = f->head[to], .res = 0 };
    f->head[to] = f->narcs++;
    if (isfinite(cap))
        f->finite += cap;
    return 0;
}

static bool open_arc(const struct fr_flow *f, const struct arc *a)
{
    return a->res > f->eps;
}

/* Levels from s over open arcs; whether t is reached. */
static bool bfs(struct fr_flow *f, int s, int t)
{
    int qh = 0, qt = 0;

    for (int i = 0; i < f->n; i++)
        f->level[i] = -1;
    f->level[s] = 0;
    f->queue[qt++] = s;
    while (qh < qt) {
        int u = f->queue[qh++];
        for (int k = f->head[u]; k >= 0; k = f->arcs[k].next) {
            const struct arc *a = &f->arcs[k];
            if (open_arc(f, a) && f->level[a->to] < 0) {
                f->level[a->to] = f->level[u] + 1;
                f->queue[qt++] = a->to;
            }
        }
    }
    return t >= 0 && f->level[t] >= 0;
}

/* Push at most @limit from @u towards @t along the level graph. */
static double dfs(struct fr_flow *f, int u, int t, double limit)
{
    if (u == t)
        return limit;
    for (; f->cursor[u] >= 0; f->cursor[u] = f->arcs[f->cursor[u]].next) {
        struct arc *a = &f->arcs[f->cursor[u]];
        if (!open_arc(f, a) || f->level[a->to] != f->level[u] + 1)
            continue;
        double got = dfs(f, a->to, t, limit < a->res ? limit : a->res);
        if (got > 0) {
            int k = f->cursor[u];
            /* an infinite arc stays infinite; its reverse gains what went */
            if (isfinite(f->arcs[k].res))
                f->arcs[k].res -= got;
            f->arcs[k ^ 1].res += got;
            return got;
        }
    }
    return 0;
}

double fr__flow_run(struct fr_flow *f, int s, int t)
{
    double flow = 0;

    if (f->ran || s == t || s < 0 || t < 0 || s >= f->n || t >= f->n)
        return NAN;
    f->ran = true;
    f->s = s;
    f->eps = f->finite * 1e-12;
    while (bfs(f, s, t)) {
        for (int i = 0; i < f->n; i++)
            f->cursor[i] = f->head[i];
        for (;;) {
            double got = dfs(f, s, t, FR_FLOW_INF);
            if (!(got > 0))
                break;
            if (isinf(got))
                return FR_FLOW_INF;   /* a path of infinite arcs: no finite cut */
            flow += got;
        }
    }
    bfs(f, s, -1);            /* the residual's reach from s: the cut */
    return flow;
}

bool fr__flow_source_side(const struct fr_flow *f, int v)
{
    return f->ran && v >= 0 && v < f->n && f->level[v] >= 0;
}
