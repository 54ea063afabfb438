/*
 * cost.c - the cost model's formulas (cost.h); README.md says why each
 * term is there and what it leaves out.
 */
#include "cost.h"

#include <errno.h>
#include <string.h>

static const char *const policy_names[] = {
    [FR_POLICY_NONE] = "none",
    [FR_POLICY_RESTART] = "restart",
    [FR_POLICY_SAMPLE] = "sample",
    [FR_POLICY_REPLICATE] = "replicate",
};

int fr__policy_parse(const char *s, enum fr_policy *out)
{
    for (int p = FR_POLICY_RESTART; p <= FR_POLICY_REPLICATE; p++)
        if (strcmp(s, policy_names[p]) == 0) {
            *out = (enum fr_policy)p;
            return 0;
        }
    return -EINVAL;
}

const char *fr__policy_name(enum fr_policy p)
{
    return policy_names[p];
}

unsigned fr__policy_caps(enum fr_policy p)
{
    switch (p) {
    case FR_POLICY_RESTART: return FR_CAP_RESTARTABLE;
    case FR_POLICY_SAMPLE: return FR_CAP_SAMPLABLE;
    case FR_POLICY_REPLICATE: return FR_CAP_REPLICABLE;
    case FR_POLICY_NONE: break;
    }
    return 0;
}

double fr__edge_cost(const struct fr_cost *c, const struct fr_tedge *e)
{
    return (double)e->calls * c->call_ns +
           ((double)e->bytes_in + (double)e->bytes_out) * c->byte_ns +
           (double)e->fds * c->fd_ns;
}

double fr__into_factor(const struct fr_cost *c)
{
    return c->policy == FR_POLICY_REPLICATE ? (double)c->replicas : 1.0;
}

double fr__crossing_cost(const struct fr_cost *c, const struct fr_tedge *e, int into_child)
{
    return fr__edge_cost(c, e) * (into_child ? fr__into_factor(c) : 1.0);
}

double fr__env_cost(const struct fr_cost *c, const struct fr_tmodule *m)
{
    double cpu = (double)m->cpu_ns;

    switch (c->policy) {
    case FR_POLICY_REPLICATE:
        /* the replicas run one after the other, each in the environment */
        return cpu * ((double)c->replicas * c->slowdown - 1.0);
    case FR_POLICY_SAMPLE:
        /* only the calls sent to the instance in the environment slow */
        return cpu * c->share * (c->slowdown - 1.0);
    case FR_POLICY_NONE:
    case FR_POLICY_RESTART:
        break;
    }
    return cpu * (c->slowdown - 1.0);
}

static int64_t sat_add(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

void fr__place_cost(const struct fr_trace *t, const struct fr_cost *c, const int *part,
                    struct fr_place_cost *out)
{
    *out = (struct fr_place_cost){ 0 };
    for (size_t i = 0; i < t->nedges; i++) {
        const struct fr_tedge *e = &t->edges[i];
        if (part[e->from] == part[e->to])
            continue;
        out->cross_ns += fr__crossing_cost(c, e, part[e->to] != 0);
        out->calls = sat_add(out->calls, e->calls);
        out->bytes = sat_add(sat_add(out->bytes, e->bytes_in), e->bytes_out);
    }
    for (size_t m = 0; m < t->nmodules; m++)
        if (part[m] != 0)
            out->env_ns += fr__env_cost(c, &t->modules[m]);
    out->total_ns = out->cross_ns + out->env_ns;
}
