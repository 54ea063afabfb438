/*
 * test_cost.c - unit tests of the cost model (partition/cost.c): a
 * crossing's price, the environment's per policy, a placement's total on
 * a graph with known costs, and the policies' names and caps.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <talloc.h>

#include "cost.h"
#include "graphs.h"

#define NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) <= 1e-9 * fmax(1, fabs((double)(b))))

static void crossing(void **state)
{
    (void)state;
    struct fr_cost c = { .call_ns = 900, .byte_ns = 0.25, .slowdown = 1 };
    struct fr_tedge e = { .calls = 1000, .bytes_in = 4000, .bytes_out = 6000, .fds = 7 };

    /* no price for a descriptor (fd_ns 0): calls and bytes alone */
    NEAR(fr__edge_cost(&c, &e), 1000 * 900 + 10000 * 0.25);
    c.fd_ns = 3000;
    NEAR(fr__edge_cost(&c, &e), 1000 * 900 + 10000 * 0.25 + 7 * 3000);
    NEAR(fr__crossing_cost(&c, &e, 1), fr__edge_cost(&c, &e));
    c.policy = FR_POLICY_REPLICATE;
    c.replicas = 3;
    NEAR(fr__crossing_cost(&c, &e, 1), 3 * fr__edge_cost(&c, &e));
    NEAR(fr__crossing_cost(&c, &e, 0), fr__edge_cost(&c, &e));
}

static void environment(void **state)
{
    (void)state;
    struct fr_tmodule m = { .cpu_ns = 1000000 };
    struct fr_cost c = { .slowdown = 20 };

    NEAR(fr__env_cost(&c, &m), 19e6);
    c.policy = FR_POLICY_RESTART;
    NEAR(fr__env_cost(&c, &m), 19e6);
    c.policy = FR_POLICY_SAMPLE;
    c.share = 0.05;
    NEAR(fr__env_cost(&c, &m), 0.05 * 19e6);
    c.policy = FR_POLICY_REPLICATE;
    c.replicas = 3;
    NEAR(fr__env_cost(&c, &m), (3 * 20 - 1) * 1e6);
    c.slowdown = 1;
    c.policy = FR_POLICY_NONE;
    NEAR(fr__env_cost(&c, &m), 0);
}

/* main -> a -> b, b -> main as a callback; two children apart. */
static void placement(void **state)
{
    (void)state;
    static const struct gmod mods[] = {
        { "main", 0, 5 }, { "a", ALL_CAPS, 1000 }, { "b", ALL_CAPS, 2000 },
    };
    static const struct gedge edges[] = {
        { "main", "a", "a_f", 10, 100, 0 },
        { "a", "b", "b_f", 20, 0, 200 },
        { "b", "main", "cb", 30, 0, 0 },
        { "a", "a", "a_g", 1000, 0, 0 },       /* never crosses */
    };
    void *ctx = talloc_new(NULL);
    struct fr_trace *t = graph(ctx, mods, 3, edges, 4, 1000000);
    struct fr_cost c = { .call_ns = 100, .byte_ns = 1, .slowdown = 3 };
    struct fr_place_cost pc;
    int all_root[3] = { 0, 0, 0 }, a_alone[3] = { 0, 1, 0 }, apart[3] = { 0, 1, 2 };

    fr__place_cost(t, &c, all_root, &pc);
    NEAR(pc.total_ns, 0);
    assert_int_equal(pc.calls, 0);
    fr__place_cost(t, &c, a_alone, &pc);
    NEAR(pc.cross_ns, (10 * 100 + 100) + (20 * 100 + 200));
    NEAR(pc.env_ns, 1000 * 2);
    assert_int_equal(pc.calls, 30);
    assert_int_equal(pc.bytes, 300);
    fr__place_cost(t, &c, apart, &pc);
    NEAR(pc.cross_ns, (1000 + 100) + (2000 + 200) + 3000);
    NEAR(pc.env_ns, (1000 + 2000) * 2);
    NEAR(pc.total_ns, pc.cross_ns + pc.env_ns);
    talloc_free(ctx);
}

static void policies(void **state)
{
    (void)state;
    enum fr_policy p;

    assert_int_equal(fr__policy_parse("restart", &p), 0);
    assert_int_equal(p, FR_POLICY_RESTART);
    assert_int_equal(fr__policy_caps(p), FR_CAP_RESTARTABLE);
    assert_int_equal(fr__policy_parse("sample", &p), 0);
    assert_int_equal(fr__policy_caps(p), FR_CAP_SAMPLABLE);
    assert_int_equal(fr__policy_parse("replicate", &p), 0);
    assert_int_equal(fr__policy_caps(p), FR_CAP_REPLICABLE);
    assert_string_equal(fr__policy_name(p), "replicate");
    assert_int_equal(fr__policy_parse("none", &p), -EINVAL);
    assert_int_equal(fr__policy_parse("restarts", &p), -EINVAL);
    assert_int_equal(fr__policy_caps(FR_POLICY_NONE), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crossing),
        cmocka_unit_test(environment),
        cmocka_unit_test(placement),
        cmocka_unit_test(policies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
