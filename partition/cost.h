/*
 * cost.h - the cost model (README.md, "The cost model"): what a placement
 * of the modules into FMPs adds to the training workload's run time.
 *
 * A call crossing FMPs costs calls x call_ns + (bytes_in + bytes_out) x
 * byte_ns + fds x fd_ns; a call into a replicated FMP is made once per replica.  A
 * module placed in a child FMP runs under that FMP's environment: its
 * traced CPU costs cpu_ns x (slowdown - 1) more (x replicas for a
 * replicated FMP, x the share of calls its instance gets when sampled).
 * The root FMP runs as started, so main's side costs nothing.
 */
#ifndef FR_COST_H
#define FR_COST_H

#include <stdint.h>

#include "trace.h"

enum fr_policy {
    FR_POLICY_NONE,           /* a plain child FMP */
    FR_POLICY_RESTART,
    FR_POLICY_SAMPLE,
    FR_POLICY_REPLICATE,
};

struct fr_cost {
    double call_ns;           /* one crossing call more than a local stub call */
    double byte_ns;           /* one byte carried across, either way */
    double fd_ns;             /* one descriptor passed across, either way */
    double slowdown;          /* the child FMPs' environment, >= 1 (1: none) */
    enum fr_policy policy;
    unsigned replicas;        /* replicate: how many (2..16) */
    double share;             /* sample: the part of the calls that go to the
                                 instance in the environment, (0, 1] */
};

/* A placement's cost, in ns of the training workload (all runs). */
struct fr_place_cost {
    double cross_ns;          /* calls crossing FMPs */
    double env_ns;            /* modules slowed by their FMP's environment */
    double total_ns;
    int64_t calls, bytes;     /* crossing calls and their bytes (saturating) */
};

/* fr__policy_parse - "restart", "sample" or "replicate" into *out; 0 or
 * -EINVAL. */
int fr__policy_parse(const char *s, enum fr_policy *out);

/* fr__policy_name - the policy's name ("none" for FR_POLICY_NONE). */
const char *fr__policy_name(enum fr_policy p);

/* fr__policy_caps - the FR_CAP_* bit every module of an FMP under @p
 * needs (0: none). */
unsigned fr__policy_caps(enum fr_policy p);

/* fr__edge_cost - one edge's calls crossing once (no replica factor). */
double fr__edge_cost(const struct fr_cost *c, const struct fr_tedge *e);

/* fr__into_factor - how many times a call is made when its callee is in a
 * child FMP (the replicas; 1 otherwise).  Calls out of a replicated FMP
 * are made by its leader alone. */
double fr__into_factor(const struct fr_cost *c);

/* fr__crossing_cost - edge @e crossing, its callee in a child FMP
 * (@into_child) or in the root. */
double fr__crossing_cost(const struct fr_cost *c, const struct fr_tedge *e, int into_child);

/* fr__env_cost - what module @m costs more in a child FMP. */
double fr__env_cost(const struct fr_cost *c, const struct fr_tmodule *m);

/*
 * fr__place_cost - the cost of @part (per module: 0 the root, i > 0 the
 * i-th child FMP) for the workload of @t.  An edge crosses when its two
 * modules are in different FMPs (two children included).
 */
void fr__place_cost(const struct fr_trace *t, const struct fr_cost *c, const int *part,
                    struct fr_place_cost *out);

#endif /* FR_COST_H */
