/*
 * test_figures.c - unit tests of where the per-call and per-byte costs
 * come from (partition/figures.c): a bench file, the cache, a measurement
 * (by a stand-in for `fracture bench` that prints a fixture), the
 * overrides, and every way a bench output can be unusable.
 *
 * Usage: test_figures DIR, DIR holding bench/ (the fixtures).  The cache
 * lives in a temporary XDG_CACHE_HOME that the test removes.
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
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <talloc.h>

#include "figures.h"

static const char *dir;
static char tmp[64];

#define NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) <= 1e-9 * fmax(1, fabs((double)(b))))

static char *fixture(void *ctx, const char *name)
{
    return talloc_asprintf(ctx, "%s/bench/%s", dir, name);
}

static void from_file(void **state)
{
    (void)state;
    void *ctx = talloc_new(NULL);
    struct fr_figures_opts o = { .bench_file = fixture(ctx, "bench.json") };
    struct fr_figures f;
    struct fr_perr e;

    fr__perr_init(&e, ctx);
    assert_int_equal(fr__figures_get(ctx, &o, &f, &e), 0);
    NEAR(f.call_ns, 902.4 - 2.4);
    NEAR(f.byte_ns, (420322.4 - 902.4) / (2.0 * 1024 * 1024));
    assert_non_null(strstr(f.bench, "(--bench)"));
    assert_string_equal(f.call_from, "cross_null 902.4 ns - stub_local 2.4 ns");
    /* a bench without cross_fd (an earlier release's): descriptors free */
    NEAR(f.fd_ns, 0);
    assert_string_equal(f.fd_from, "not priced: the bench has no cross_fd");
    /* an override replaces its figure only */
    o.call_set = true;
    o.call_ns = 500;
    assert_int_equal(fr__figures_get(ctx, &o, &f, &e), 0);
    NEAR(f.call_ns, 500);
    assert_string_equal(f.call_from, "--call-ns");
    NEAR(f.byte_ns, (420322.4 - 902.4) / (2.0 * 1024 * 1024));
    talloc_free(ctx);
}

/* cross_fd: a descriptor costs what a null call lending one costs more. */
static void descriptor(void **state)
{
    (void)state;
    void *ctx = talloc_new(NULL);
    struct fr_figures_opts o = { .bench_file = fixture(ctx, "bench-fd.json") };
    struct fr_figures f;
    struct fr_perr e;

    fr__perr_init(&e, ctx);
    assert_int_equal(fr__figures_get(ctx, &o, &f, &e), 0);
    NEAR(f.fd_ns, 5902.4 - 902.4);
    assert_string_equal(f.fd_from, "cross_fd 5902.4 ns - cross_null 902.4 ns");
    o.fd_set = true;
    o.fd_ns = 42;
    assert_int_equal(fr__figures_get(ctx, &o, &f, &e), 0);
    NEAR(f.fd_ns, 42);
    assert_string_equal(f.fd_from, "--fd-ns");
    NEAR(f.call_ns, 902.4 - 2.4);
    talloc_free(ctx);
}

/* Both overrides: no bench is read at all (not even a missing one). */
static void overrides_alone(void **state)
{
    (void)state;
    void *ctx = talloc_new(NULL);
    struct fr_figures_opts o = { .bench_file = "/nonexistent/bench.json", .call_set = true,
                                 .call_ns = 1000, .byte_set = true, .byte_ns = 0.5 };
    struct fr_figures f;
    struct fr_perr e;

    fr__perr_init(&e, ctx);
    assert_int_equal(fr__figures_get(ctx, &o, &f, &e), 0);
    NEAR(f.call_ns, 1000);
    NEAR(f.byte_ns, 0.5);
    NEAR(f.fd_ns, 0);
    assert_string_equal(f.fd_from, "not priced (--fd-ns N to price)");
    assert_null(f.bench);
    talloc_free(ctx);
}

static void expect_error(const char *file, const char *msg_part)
{
    void *ctx = talloc_new(NULL);
    struct fr_figures_opts o = { .bench_file = fixture(ctx, file) };
    struct fr_figures f;
    struct fr_perr e;

    fr__perr_init(&e, ctx);
    assert_int_not_equal(fr__figures_get(ctx, &o, &f, &e), 0);
    assert_int_equal(e.kind, FR_PERR_FAILURE);
    if (!strstr(e.msg, msg_part))
        fail_msg("%s: '%s' does not say '%s'", file, e.msg, msg_part);
    assert_non_null(strstr(e.hint, "--call-ns"));
    talloc_free(ctx);
}

static void unusable_bench(void **state)
{
    (void)state;
    expect_error("no-1m.json", "results: no figure 'cross_inout_1m'");
    expect_error("null-median.json", "results[1].median_ns: expected the median of "
                 "'cross_null'");
    expect_error("truncated.json", "not the output of `fracture bench --json`");
    expect_error("missing.json", "cannot read the bench figures: No such file");
}

/* A stand-in for the fracture binary: `SELF bench --quick --json` prints
 * @file (or fails). */
static char *fake_bench(void *ctx, const char *file, int status)
{
    char *path = talloc_asprintf(ctx, "%s/fake-fracture", tmp);
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n[ \"$*\" = 'bench --quick --json' ] || exit 9\n");
    if (file)
        fprintf(f, "cat '%s'\n", fixture(ctx, file));
    fprintf(f, "exit %d\n", status);
    fclose(f);
    chmod(path, 0700);
    return path;
}

/* No bench file: measured, then cached, then read from the cache. */
static void measured_then_cached(void **state)
{
    (void)state;
    void *ctx = talloc_new(NULL);
    struct fr_figures_opts o = { 0 };
    struct fr_figures f;
    struct fr_perr e;
    char *cache = talloc_asprintf(ctx, "%s/fracture/bench.json", tmp);
    struct stat st;

    setenv("XDG_CACHE_HOME", tmp, 1);
    fr__perr_init(&e, ctx);
    assert_string_equal(fr__bench_cache_path(ctx), cache);
    /* a failing bench: an error, nothing cached */
    o.self = fake_bench(ctx, NULL, 3);
    assert_int_equal(fr__figures_get(ctx, &o, &f, &e), -EIO);
    assert_non_null(strstr(e.msg, "failed (exit status 3)"));
    assert_int_equal(stat(cache, &st), -1);
    /* a bench that works: measured and cached */
    fr__perr_init(&e, ctx);
    o.self = fake_bench(ctx, "bench.json", 0);
    assert_int_equal(fr__figures_get(ctx, &o, &f, &e), 0);
    NEAR(f.call_ns, 900);
    assert_non_null(strstr(f.bench, "measured now"));
    assert_int_equal(stat(cache, &st), 0);
    /* next time: the cache, not the bench */
    o.self = fake_bench(ctx, NULL, 4);
    assert_int_equal(fr__figures_get(ctx, &o, &f, &e), 0);
    assert_non_null(strstr(f.bench, "(cached)"));
    NEAR(f.call_ns, 900);
    /* a damaged cache: measured again (and said on stderr) */
    FILE *c = fopen(cache, "w");
    fputs("{\"results\": [", c);
    fclose(c);
    o.self = fake_bench(ctx, "bench.json", 0);
    assert_int_equal(fr__figures_get(ctx, &o, &f, &e), 0);
    assert_non_null(strstr(f.bench, "measured now"));
    unlink(cache);
    unlink(talloc_asprintf(ctx, "%s/fake-fracture", tmp));
    rmdir(talloc_asprintf(ctx, "%s/fracture", tmp));
    unsetenv("XDG_CACHE_HOME");
    talloc_free(ctx);
}

/* XDG says a relative XDG_CACHE_HOME is to be ignored. */
static void cache_path(void **state)
{
    (void)state;
    void *ctx = talloc_new(NULL);

    setenv("XDG_CACHE_HOME", "relative/dir", 1);
    setenv("HOME", "/home/someone", 1);
    assert_string_equal(fr__bench_cache_path(ctx), "/home/someone/.cache/fracture/bench.json");
    unsetenv("XDG_CACHE_HOME");
    talloc_free(ctx);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/fr-figures.XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return rmdir(tmp);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(from_file),
        cmocka_unit_test(descriptor),
        cmocka_unit_test(overrides_alone),
        cmocka_unit_test(unusable_bench),
        cmocka_unit_test(measured_then_cached),
        cmocka_unit_test(cache_path),
    };

    if (argc != 2) {
        fprintf(stderr, "usage: test_figures DIR\n");
        return 2;
    }
    dir = argv[1];
    return cmocka_run_group_tests(tests, setup, teardown);
}
