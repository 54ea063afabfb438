/*
 * test_maxflow.c - unit tests of Dinic's max-flow (partition/maxflow.c):
 * graphs with known maximum flows and cuts, infinite arcs, fractional
 * capacities, and random small graphs checked against every cut by brute
 * force (the flow equals the cheapest cut, and the source side returned
 * is a cheapest cut's, the smallest one).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <talloc.h>

#include "maxflow.h"

struct arcspec {
    int from, to;
    double cap;
};

static struct fr_flow *build(void *ctx, int n, const struct arcspec *a, size_t na)
{
    struct fr_flow *f = fr__flow_new(ctx, n);

    assert_non_null(f);
    for (size_t i = 0; i < na; i++)
        assert_int_equal(fr__flow_arc(f, a[i].from, a[i].to, a[i].cap), 0);
    return f;
}

/* CLRS's example network (figure 26.1): maximum flow 23; the minimum cut
 * has {s, v1, v2, v4} on the source side. */
static void clrs(void **state)
{
    (void)state;
    static const struct arcspec a[] = {
        { 0, 1, 16 }, { 0, 2, 13 }, { 2, 1, 4 },  { 1, 3, 12 }, { 3, 2, 9 },
        { 2, 4, 14 }, { 4, 3, 7 },  { 3, 5, 20 }, { 4, 5, 4 },
    };
    void *ctx = talloc_new(NULL);
    struct fr_flow *f = build(ctx, 6, a, sizeof a / sizeof a[0]);

    assert_true(fabs(fr__flow_run(f, 0, 5) - 23) < 1e-9);
    assert_true(fr__flow_source_side(f, 0));
    assert_true(fr__flow_source_side(f, 1));
    assert_true(fr__flow_source_side(f, 2));
    assert_true(fr__flow_source_side(f, 4));
    assert_false(fr__flow_source_side(f, 3));
    assert_false(fr__flow_source_side(f, 5));
    talloc_free(ctx);
}

/* Of two minimum cuts, the one with the smaller source side. */
static void smallest_source_side(void **state)
{
    (void)state;
    /* s -1-> a -1-> t: both arcs are minimum cuts; {s} is the smaller */
    static const struct arcspec a[] = { { 0, 1, 1 }, { 1, 2, 1 } };
    void *ctx = talloc_new(NULL);
    struct fr_flow *f = build(ctx, 3, a, 2);

    assert_true(fabs(fr__flow_run(f, 0, 2) - 1) < 1e-12);
    assert_true(fr__flow_source_side(f, 0));
    assert_false(fr__flow_source_side(f, 1));
    talloc_free(ctx);
}

/* Parallel arcs add up; a node cut off from s carries nothing; an arc
 * from t back to s changes nothing. */
static void parallel_and_disconnected(void **state)
{
    (void)state;
    static const struct arcspec a[] = {
        { 0, 1, 2.5 }, { 0, 1, 0.25 }, { 1, 3, 10 }, { 2, 3, 100 }, { 3, 0, 7 },
    };
    void *ctx = talloc_new(NULL);
    struct fr_flow *f = build(ctx, 4, a, sizeof a / sizeof a[0]);

    assert_true(fabs(fr__flow_run(f, 0, 3) - 2.75) < 1e-12);
    assert_false(fr__flow_source_side(f, 2));
    talloc_free(ctx);
}

/* Infinite arcs are never cut; only infinite paths give an infinite flow. */
static void infinite_arcs(void **state)
{
    (void)state;
    static const struct arcspec a[] = {
        { 0, 1, FR_FLOW_INF }, { 1, 2, 3 }, { 1, 3, 4 }, { 2, 4, FR_FLOW_INF },
        { 3, 4, 1 },
    };
    static const struct arcspec inf[] = { { 0, 1, FR_FLOW_INF }, { 1, 2, FR_FLOW_INF } };
    void *ctx = talloc_new(NULL);
    struct fr_flow *f = build(ctx, 5, a, sizeof a / sizeof a[0]);

    assert_true(fabs(fr__flow_run(f, 0, 4) - 4) < 1e-12);
    assert_true(fr__flow_source_side(f, 1));
    assert_true(fr__flow_source_side(f, 3));
    assert_false(fr__flow_source_side(f, 2));
    f = build(ctx, 3, inf, 2);
    assert_true(isinf(fr__flow_run(f, 0, 2)));
    talloc_free(ctx);
}

/* Costs in ns with fractions that do not add up exactly in binary
 * (0.1 + 0.2 is not 0.3): an arc the flow filled to within rounding is
 * saturated, so the cut stands where it is and grows past nothing; and
 * beside it, costs far larger than the others keep their value to the
 * precision a double has. */
static void rounding(void **state)
{
    (void)state;
    static const struct arcspec a[] = {
        { 0, 1, 0.1 }, { 0, 1, 0.2 }, { 1, 2, 0.3 }, { 2, 3, 10 },
    };
    static const struct arcspec big[] = {
        { 0, 1, 0.1 }, { 0, 1, 0.2 }, { 1, 2, 0.3 }, { 0, 2, 1e15 }, { 2, 3, 1e15 + 0.3 },
        { 1, 3, 0.7 },
    };
    void *ctx = talloc_new(NULL);
    struct fr_flow *f = build(ctx, 4, a, sizeof a / sizeof a[0]);
    double v = fr__flow_run(f, 0, 3);

    assert_true(fabs(v - 0.3) < 1e-12);
    /* the two arcs out of 0 are full: nothing but the source is on its side */
    assert_true(fr__flow_source_side(f, 0));
    assert_false(fr__flow_source_side(f, 1));
    assert_false(fr__flow_source_side(f, 2));
    assert_false(fr__flow_source_side(f, 3));
    f = build(ctx, 4, big, sizeof big / sizeof big[0]);
    v = fr__flow_run(f, 0, 3);
    assert_true(fabs(v - (1e15 + 0.3)) <= 1e15 * 1e-12);
    assert_true(fr__flow_source_side(f, 0));
    assert_false(fr__flow_source_side(f, 3));
    talloc_free(ctx);
}

static void bad_arguments(void **state)
{
    (void)state;
    void *ctx = talloc_new(NULL);
    struct fr_flow *f = fr__flow_new(ctx, 3);

    assert_null(fr__flow_new(ctx, 1));
    assert_int_equal(fr__flow_arc(f, 0, 3, 1), -EINVAL);
    assert_int_equal(fr__flow_arc(f, -1, 2, 1), -EINVAL);
    assert_int_equal(fr__flow_arc(f, 0, 1, -1), -EINVAL);
    assert_int_equal(fr__flow_arc(f, 0, 1, NAN), -EINVAL);
    assert_int_equal(fr__flow_arc(f, 0, 0, 5), 0);   /* a loop cuts nothing */
    assert_true(fr__flow_run(f, 0, 2) == 0);
    assert_true(isnan(fr__flow_run(f, 0, 2)));       /* once per network */
    talloc_free(ctx);
}

/* A cut's capacity by its source side (bit i: node i on the source side). */
static double cut_of(const double *cap, int n, unsigned side)
{
    double c = 0;

    for (int u = 0; u < n; u++)
        for (int v = 0; v < n; v++)
            if ((side >> u & 1) && !(side >> v & 1))
                c += cap[u * n + v];
    return c;
}

/* Random graphs of up to 9 nodes against every cut: the flow is the
 * cheapest cut, the side found is a cheapest cut and no cheapest cut has
 * a side that is a proper subset of it. */
static void random_against_brute_force(void **state)
{
    (void)state;
    unsigned seed = 12345;

    for (int round = 0; round < 400; round++) {
        void *ctx = talloc_new(NULL);
        int n = 3 + round % 7, s = 0, t = n - 1;
        double cap[81] = { 0 }, best = INFINITY;
        struct fr_flow *f = fr__flow_new(ctx, n);
        unsigned side = 0;

        for (int u = 0; u < n; u++)
            for (int v = 0; v < n; v++) {
                seed = seed * 1103515245u + 12345u;
                if (u != v && (seed >> 16) % 3 == 0) {
                    /* small whole numbers make ties, which is the hard case */
                    double c = (double)((seed >> 8) % 5) + ((seed >> 4) % 2 ? 0.5 : 0);
                    cap[u * n + v] += c;
                    assert_int_equal(fr__flow_arc(f, u, v, c), 0);
                }
            }
        double flow = fr__flow_run(f, s, t);
        for (int v = 0; v < n; v++)
            if (fr__flow_source_side(f, v))
                side |= 1u << v;
        assert_true(side & 1u << s);
        assert_false(side & 1u << t);
        for (unsigned sub = 0; sub < 1u << n; sub++)
            if ((sub & 1u << s) && !(sub & 1u << t))
                best = fmin(best, cut_of(cap, n, sub));
        assert_true(fabs(flow - best) < 1e-9);
        assert_true(fabs(cut_of(cap, n, side) - best) < 1e-9);
        for (unsigned sub = 0; sub < 1u << n; sub++)
            if ((sub & 1u << s) && (sub & side) == sub && sub != side)
                assert_true(cut_of(cap, n, sub) > best + 1e-9);
        talloc_free(ctx);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clrs),
        cmocka_unit_test(smallest_source_side),
        cmocka_unit_test(parallel_and_disconnected),
        cmocka_unit_test(infinite_arcs),
        cmocka_unit_test(rounding),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(random_against_brute_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
