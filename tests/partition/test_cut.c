/*
 * test_cut.c - unit tests of the partitioner's solvers on graphs with
 * known answers: the isolating cut (partition/isolate.c) against every
 * placement by brute force, for every policy; the environment changing the
 * answer; replication's one-way cost; the multiway cut (multiway.c), exact
 * and the isolation heuristic within its bound; METIS parts (parts.c); and
 * the constraints (partition.c).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <talloc.h>

#include "graphs.h"
#include "isolate.h"
#include "multiway.h"
#include "partition.h"
#include "parts.h"

static const struct fr_cost plain = { .call_ns = 1000, .byte_ns = 0.5, .slowdown = 1 };

/* Isolate @mod in @t under @c: part[] of every module (the caller's). */
static double isolate(void *ctx, const struct fr_trace *t, const struct fr_cost *c,
                      const char *mod, int *part)
{
    struct fr_problem p = { .t = t, .cost = *c };
    struct fr_solution s;
    struct fr_perr e;
    size_t term;

    fr__perr_init(&e, ctx);
    assert_int_equal(fr__partition_module(t, mod, &term, &e), 0);
    p.terms = &term;
    p.nterms = 1;
    assert_int_equal(fr__partition_prepare(ctx, &p, &e), 0);
    assert_int_equal(fr__partition_solve(ctx, &p, &s, &e), 0);
    assert_int_equal(s.method, FR_METHOD_MINCUT);
    memcpy(part, s.part, t->nmodules * sizeof *part);
    return s.cost.total_ns;
}

/* a calls the CPU-heavy b 100,000 times: with no environment b goes with
 * a (it costs nothing there, its calls would cost 100 ms crossing); under
 * memcheck its 1 s of CPU would cost 19 s more, and it stays out. */
static void environment_changes_the_answer(void **state)
{
    (void)state;
    static const struct gmod mods[] = {
        { "main", 0, 10000000 }, { "a", ALL_CAPS, 1000000 }, { "b", ALL_CAPS, 1000000000 },
    };
    static const struct gedge edges[] = {
        { "main", "a", "a_run", 100, 0, 0 }, { "a", "b", "b_crunch", 100000, 0, 0 },
    };
    void *ctx = talloc_new(NULL);
    struct fr_trace *t = graph(ctx, mods, 3, edges, 2, 2000000000);
    struct fr_cost c = plain;
    int part[3];

    assert_true(fabs(isolate(ctx, t, &c, "a", part) - 100 * 1000.0) < 1e-6);
    assert_int_equal(part[1], 1);
    assert_int_equal(part[2], 1);
    assert_int_equal(part[0], 0);
    c.slowdown = 20;
    double v = isolate(ctx, t, &c, "a", part);
    assert_int_equal(part[1], 1);
    assert_int_equal(part[2], 0);
    assert_true(fabs(v - (100 * 1000.0 + 100000 * 1000.0 + 1e6 * 19)) < 1e-3);
    talloc_free(ctx);
}

/* A module lacking the policy's cap stays in the root whatever it costs. */
static void policy_caps_keep_modules_out(void **state)
{
    (void)state;
    static const struct gmod mods[] = {
        { "main", 0, 0 }, { "a", ALL_CAPS, 0 }, { "b", FR_CAP_REPLICABLE, 0 },
    };
    static const struct gedge edges[] = { { "a", "b", "b_f", 100000, 0, 0 } };
    void *ctx = talloc_new(NULL);
    struct fr_trace *t = graph(ctx, mods, 3, edges, 1, 1000);
    struct fr_cost c = plain;
    int part[3];

    isolate(ctx, t, &c, "a", part);
    assert_int_equal(part[2], 1);
    c.policy = FR_POLICY_RESTART;
    isolate(ctx, t, &c, "a", part);
    assert_int_equal(part[2], 0);
    talloc_free(ctx);
}

/* Replication costs one way only: calls into the replicated FMP are made
 * once per replica, calls out of it once.  b is called by a (500) and by
 * main (200): plainly b goes with a (200 < 500); replicated three ways,
 * main's 200 calls into it cost 600 and b stays out (500). */
static void replication_is_one_way(void **state)
{
    (void)state;
    static const struct gmod mods[] = {
        { "main", 0, 0 }, { "a", ALL_CAPS, 0 }, { "b", ALL_CAPS, 0 },
    };
    static const struct gedge edges[] = {
        { "main", "a", "a_f", 10, 0, 0 },
        { "a", "b", "b_f", 500, 0, 0 },
        { "main", "b", "b_g", 200, 0, 0 },
    };
    void *ctx = talloc_new(NULL);
    struct fr_trace *t = graph(ctx, mods, 3, edges, 3, 1000);
    struct fr_cost c = plain;
    int part[3];

    assert_true(fabs(isolate(ctx, t, &c, "a", part) - 210 * 1000.0) < 1e-6);
    assert_int_equal(part[2], 1);
    c.policy = FR_POLICY_REPLICATE;
    c.replicas = 3;
    assert_true(fabs(isolate(ctx, t, &c, "a", part) - (30 + 500) * 1000.0) < 1e-6);
    assert_int_equal(part[2], 0);
    talloc_free(ctx);
}

static unsigned rnd(unsigned *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

/* A random module graph of @n modules: main, then m1... with random caps,
 * CPU and edges (both ways, callbacks among them). */
static struct fr_trace *random_graph(void *ctx, unsigned *seed, size_t n)
{
    static const char *const names[] = { "main", "m1", "m2", "m3", "m4", "m5", "m6",
                                         "m7", "m8", "m9" };
    struct gmod mods[10];
    struct gedge edges[40];
    size_t ne = 0;

    for (size_t i = 0; i < n; i++) {
        mods[i].name = names[i];
        mods[i].caps = i == 0 ? 0 : rnd(seed) % 4 ? ALL_CAPS : FR_CAP_SAMPLABLE;
        mods[i].cpu_ns = (int64_t)(rnd(seed) % 4) * 250000;
    }
    for (size_t u = 0; u < n; u++)
        for (size_t v = 0; v < n; v++)
            if (u != v && rnd(seed) % 3 == 0 && ne < 40)
                edges[ne++] = (struct gedge){ names[u], names[v], "f",
                                              (int64_t)(rnd(seed) % 4) * 100,
                                              (int64_t)(rnd(seed) % 3) * 1000, 0 };
    return graph(ctx, mods, n, edges, ne, 1000000000);
}

/* The cheapest placement of every free module (root or FMP), by brute
 * force over all of them: the isolating cut must cost exactly that. */
static void isolate_against_brute_force(void **state)
{
    (void)state;
    unsigned seed = 7;
    const struct fr_cost costs[] = {
        { .call_ns = 1000, .byte_ns = 0.5, .slowdown = 1 },
        { .call_ns = 1000, .byte_ns = 0.5, .slowdown = 20 },
        { .call_ns = 1000, .byte_ns = 0.5, .slowdown = 2, .policy = FR_POLICY_RESTART },
        { .call_ns = 800, .byte_ns = 0.1, .slowdown = 1, .policy = FR_POLICY_REPLICATE,
          .replicas = 3 },
        { .call_ns = 900, .byte_ns = 0.2, .slowdown = 20, .policy = FR_POLICY_SAMPLE,
          .share = 0.05 },
    };

    for (int round = 0; round < 300; round++) {
        void *ctx = talloc_new(NULL);
        size_t n = 3 + (size_t)round % 7;
        struct fr_trace *t = random_graph(ctx, &seed, n);
        const struct fr_cost *c = &costs[round % 5];
        unsigned need = fr__policy_caps(c->policy);
        int part[10], try[10];
        double best = INFINITY;

        if ((t->modules[1].caps & need) != need)
            t->modules[1].caps = ALL_CAPS;
        double got = isolate(ctx, t, c, "m1", part);
        struct fr_place_cost pc;
        fr__place_cost(t, c, part, &pc);
        assert_true(fabs(pc.total_ns - got) < 1e-6);
        for (unsigned sub = 0; sub < 1u << n; sub++) {
            bool ok = (sub & 2) && !(sub & 1);
            for (size_t m = 0; m < n; m++) {
                try[m] = (int)(sub >> m & 1);
                if (try[m] && (t->modules[m].caps & need) != need)
                    ok = false;
            }
            if (!ok)
                continue;
            fr__place_cost(t, c, try, &pc);
            best = fmin(best, pc.total_ns);
        }
        assert_true(fabs(got - best) <= 1e-9 * fmax(1, best));
        talloc_free(ctx);
    }
}

/* Several FMPs: enumeration is exact (checked against the isolation
 * heuristic, which may not beat it), and the heuristic stays within
 * 2 - 2/(k+1) of it when crossings cost the same both ways. */
static void multiway_exact_and_heuristic(void **state)
{
    (void)state;
    unsigned seed = 99;
    struct fr_cost c = plain;

    for (int round = 0; round < 150; round++) {
        void *ctx = talloc_new(NULL);
        size_t n = 4 + (size_t)round % 5, k = 2 + (size_t)round % 2;
        struct fr_trace *t = random_graph(ctx, &seed, n);
        size_t terms[3] = { 1, 2, 3 };
        bool root_only[10] = { true };
        int exact[10], heur[10];
        enum fr_method method;
        struct fr_place_cost pe, ph;
        struct fr_perr e;

        fr__perr_init(&e, ctx);
        c.slowdown = round % 3 ? 1 : 5;
        for (size_t m = 1; m < n; m++)
            root_only[m] = t->modules[m].caps == FR_CAP_SAMPLABLE && m > k;
        assert_int_equal(fr__multiway(ctx, t, &c, root_only, terms, k, exact, &method, &e), 0);
        assert_int_equal(method, FR_METHOD_ENUMERATE);
        assert_int_equal(fr__multiway_isolation(ctx, t, &c, root_only, terms, k, heur, &e), 0);
        for (size_t m = 0; m < n; m++) {
            if (root_only[m])
                assert_true(exact[m] == 0 && heur[m] == 0);
        }
        for (size_t j = 0; j < k; j++)
            assert_true(exact[terms[j]] == (int)j + 1 && heur[terms[j]] == (int)j + 1);
        fr__place_cost(t, &c, exact, &pe);
        fr__place_cost(t, &c, heur, &ph);
        assert_true(ph.total_ns >= pe.total_ns - 1e-6);
        assert_true(ph.total_ns <= (2.0 - 2.0 / (double)(k + 1)) * pe.total_ns + 1e-6);
        talloc_free(ctx);
    }
}

static void enumeration_bound(void **state)
{
    (void)state;
    assert_true(fr__multiway_enum_fits(1, 20));     /* 2^20 */
    assert_false(fr__multiway_enum_fits(1, 21));
    assert_true(fr__multiway_enum_fits(3, 10));     /* 4^10 = 2^20 */
    assert_false(fr__multiway_enum_fits(3, 11));
    assert_false(fr__multiway_enum_fits(2, 13));    /* 3^13 > 2^20 */
    assert_true(fr__multiway_enum_fits(2, 12));
}

/* Beyond 2^20 placements the isolation heuristic answers: a chain of 24
 * modules, two isolated ones at its ends, each pulling its half along. */
static void large_goes_to_the_heuristic(void **state)
{
    (void)state;
    static const char *const names[] = { "main", "m1", "m2", "m3", "m4", "m5", "m6", "m7",
                                         "m8", "m9", "m10", "m11", "m12", "m13", "m14",
                                         "m15", "m16", "m17", "m18", "m19", "m20", "m21",
                                         "m22", "m23", "m24" };
    struct gmod mods[25];
    struct gedge edges[25];
    void *ctx = talloc_new(NULL);
    size_t terms[2] = { 1, 24 };
    bool root_only[25] = { true };
    int part[25];
    enum fr_method method;
    struct fr_perr e;

    for (size_t i = 0; i < 25; i++)
        mods[i] = (struct gmod){ names[i], ALL_CAPS, 0 };
    /* main -> m12 lightly; the chain heavily, but thinnest in its middle */
    edges[0] = (struct gedge){ "main", "m12", "f", 1, 0, 0 };
    for (size_t i = 1; i < 24; i++)
        edges[i] = (struct gedge){ names[i], names[i + 1], "f", i == 12 ? 5 : 100, 0, 0 };
    struct fr_trace *t = graph(ctx, mods, 25, edges, 24, 1000);
    fr__perr_init(&e, ctx);
    assert_false(fr__multiway_enum_fits(2, 22));
    assert_int_equal(fr__multiway(ctx, t, &plain, root_only, terms, 2, part, &method, &e), 0);
    assert_int_equal(method, FR_METHOD_ISOLATION);
    for (size_t m = 1; m <= 12; m++)
        assert_int_equal(part[m], 1);
    for (size_t m = 13; m <= 24; m++)
        assert_int_equal(part[m], 2);
    assert_int_equal(part[0], 0);
    talloc_free(ctx);
}

/* --parts: K parts, none empty, main's part the root's, modules that
 * may not leave the root in it; METIS's silence on stdout. */
static void parts_are_k_and_respect_the_root(void **state)
{
    (void)state;
    unsigned seed = 3;

    for (int round = 0; round < 60; round++) {
        void *ctx = talloc_new(NULL);
        size_t n = 3 + (size_t)round % 7, movable = 0;
        struct fr_trace *t = random_graph(ctx, &seed, n);
        struct fr_cost c = plain;
        bool root_only[10];
        int part[10];
        unsigned filled, k, used[10] = { 0 };
        struct fr_perr e;

        fr__perr_init(&e, ctx);
        c.policy = FR_POLICY_RESTART;
        for (size_t m = 0; m < n; m++) {
            root_only[m] = m == 0 || !(t->modules[m].caps & FR_CAP_RESTARTABLE);
            movable += !root_only[m];
        }
        if (movable == 0) {
            talloc_free(ctx);
            continue;
        }
        k = 2 + (unsigned)(round % (int)movable);
        assert_int_equal(fr__metis_parts(ctx, t, &c, root_only, k, part, &filled, &e), 0);
        for (size_t m = 0; m < n; m++) {
            assert_true(part[m] >= 0 && part[m] < (int)k);
            if (root_only[m])
                assert_int_equal(part[m], 0);
            used[part[m]]++;
        }
        for (unsigned p = 0; p < k; p++)
            assert_true(used[p] > 0);
        talloc_free(ctx);
    }
}

/* --parts balances CPU, not modules: nine modules in a ring of equal
 * calls, one of them four times the others' CPU, three parts: each about a
 * third of the CPU (1.2 s in all; a part of three modules with the heavy
 * one would hold 0.6 s); stdout, which METIS would write its
 * complaints on and which is the CLI's (its JSON), gets nothing from the
 * runs and is the caller's again afterwards. */
static void parts_balance_cpu_and_keep_stdout(void **state)
{
    (void)state;
    static const char *names[] = { "main", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8" };
    struct gmod mods[9];
    struct gedge edges[9];
    void *ctx = talloc_new(NULL);
    bool root_only[9] = { true };
    int part[9], out[2];
    unsigned filled;
    int64_t cpu[3] = { 0 };
    struct fr_perr e;
    char buf[64];

    for (size_t m = 0; m < 9; m++) {
        mods[m] = (struct gmod){ names[m], m ? ALL_CAPS : 0, m == 1 ? 400000000 : 100000000 };
        edges[m] = (struct gedge){ names[m], names[(m + 1) % 9], "f", 1000, 0, 0 };
    }
    struct fr_trace *t = graph(ctx, mods, 9, edges, 9, 1000000000);
    fr__perr_init(&e, ctx);
    assert_int_equal(pipe(out), 0);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(out[1], STDOUT_FILENO), STDOUT_FILENO);
    int rc = fr__metis_parts(ctx, t, &plain, root_only, 3, part, &filled, &e);
    /* as many parts as vertices */
    struct fr_trace *small = graph(ctx, mods, 3, edges, 2, 1000000000);
    int small_part[3];
    int small_rc = fr__metis_parts(ctx, small, &plain, root_only, 3, small_part, &filled, &e);
    fputs("after", stdout);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(out[1]);
    assert_int_equal(rc, 0);
    assert_int_equal(small_rc, 0);
    assert_int_equal(read(out[0], buf, sizeof buf), 5);    /* only what came after */
    assert_memory_equal(buf, "after", 5);
    close(out[0]);
    assert_int_equal(part[0], 0);
    for (size_t m = 0; m < 9; m++) {
        assert_true(part[m] >= 0 && part[m] < 3);
        cpu[part[m]] += t->modules[m].cpu_ns;
    }
    for (int p = 0; p < 3; p++) {
        assert_true(cpu[p] >= 300000000);
        assert_true(cpu[p] <= 500000000);
    }
    talloc_free(ctx);
}

/* The constraints and their messages. */
static void constraints(void **state)
{
    (void)state;
    static const struct gmod mods[] = {
        { "main", 0, 0 }, { "files", ALL_CAPS, 0 }, { "mime", FR_CAP_REPLICABLE, 0 },
    };
    void *ctx = talloc_new(NULL);
    struct fr_trace *t = graph(ctx, mods, 3, NULL, 0, 1000);
    struct fr_problem p = { .t = t, .cost = plain };
    struct fr_perr e;
    size_t terms[2];

    fr__perr_init(&e, ctx);
    assert_int_equal(fr__partition_module(t, "flies", &terms[0], &e), -EINVAL);
    assert_int_equal(e.kind, FR_PERR_USAGE);
    assert_string_equal(e.msg, "--isolate flies: no module 'flies' in the trace");
    assert_string_equal(e.hint, "did you mean 'files'?");
    fr__perr_init(&e, ctx);
    assert_int_equal(fr__partition_module(t, "zzzzzz", &terms[0], &e), -EINVAL);
    assert_string_equal(e.hint, "the modules that may be isolated: files mime");
    fr__perr_init(&e, ctx);
    assert_int_equal(fr__partition_module(t, "main", &terms[0], &e), -EINVAL);
    assert_string_equal(e.msg, "--isolate main: main stays in the root FMP");

    fr__perr_init(&e, ctx);
    terms[0] = 2;
    p.terms = terms;
    p.nterms = 1;
    p.cost.policy = FR_POLICY_RESTART;
    assert_int_equal(fr__partition_prepare(ctx, &p, &e), -EINVAL);
    assert_string_equal(e.msg, "--isolate mime --policy restart: module 'mime' is not "
                        "restartable");
    assert_non_null(strstr(e.hint, "its caps: replicable"));

    fr__perr_init(&e, ctx);
    terms[0] = terms[1] = 1;
    p.nterms = 2;
    assert_int_equal(fr__partition_prepare(ctx, &p, &e), -EINVAL);
    assert_string_equal(e.msg, "--isolate files: given twice");

    fr__perr_init(&e, ctx);
    p.nterms = 0;
    p.parts = 3;
    assert_int_equal(fr__partition_prepare(ctx, &p, &e), -EINVAL);
    assert_string_equal(e.msg, "--parts 3: more parts than modules: 1 of the 3 modules may "
                        "leave the root under --policy restart");
    p.parts = 2;
    fr__perr_init(&e, ctx);
    assert_int_equal(fr__partition_prepare(ctx, &p, &e), 0);
    talloc_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(environment_changes_the_answer),
        cmocka_unit_test(policy_caps_keep_modules_out),
        cmocka_unit_test(replication_is_one_way),
        cmocka_unit_test(isolate_against_brute_force),
        cmocka_unit_test(multiway_exact_and_heuristic),
        cmocka_unit_test(enumeration_bound),
        cmocka_unit_test(large_goes_to_the_heuristic),
        cmocka_unit_test(parts_are_k_and_respect_the_root),
        cmocka_unit_test(parts_balance_cpu_and_keep_stdout),
        cmocka_unit_test(constraints),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
