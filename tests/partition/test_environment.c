/*
 * test_environment.c - unit tests of --env and --slowdown
 * (partition/environment.c): the named environments and their default
 * factors, environment files checked by the runtime's parser with errors
 * at the file's own line and column, and the YAML written for each.
 *
 * Usage: test_environment DIR, DIR holding envs/ (the fixtures).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <talloc.h>

#include "environment.h"

static void names(void **state)
{
    (void)state;
    void *ctx = talloc_new(NULL);
    struct fr_envspec env;
    struct fr_perr e;

    fr__perr_init(&e, ctx);
    assert_int_equal(fr__envspec_get(ctx, NULL, 0, &env, &e), 0);
    assert_string_equal(env.name, "none");
    assert_null(env.tool);
    assert_true(env.slowdown == 1);
    assert_string_equal(fr__envspec_yaml(ctx, &env, 6), "");

    assert_int_equal(fr__envspec_get(ctx, "memcheck", 0, &env, &e), 0);
    assert_true(env.slowdown == 20);
    assert_string_equal(env.slowdown_from, "default for memcheck");
    assert_string_equal(fr__envspec_yaml(ctx, &env, 6), "      valgrind: {tool: memcheck}\n");
    assert_int_equal(fr__envspec_get(ctx, "helgrind", 0, &env, &e), 0);
    assert_true(env.slowdown == 100);
    assert_int_equal(fr__envspec_get(ctx, "drd", 0, &env, &e), 0);
    assert_true(env.slowdown == 50);
    assert_int_equal(fr__envspec_get(ctx, "callgrind", 7.5, &env, &e), 0);
    assert_true(env.slowdown == 7.5);
    assert_string_equal(env.slowdown_from, "--slowdown");
    assert_int_equal(fr__envspec_get(ctx, "none", 3, &env, &e), 0);
    assert_true(env.slowdown == 3);

    assert_int_equal(fr__envspec_get(ctx, "memchek", 0, &env, &e), -EINVAL);
    assert_int_equal(e.kind, FR_PERR_USAGE);
    assert_string_equal(e.msg, "--env 'memchek': no such environment");
    assert_string_equal(e.hint, "did you mean 'memcheck'?");
    talloc_free(ctx);
}

static void files(void **state)
{
    (void)state;
    void *ctx = talloc_new(NULL);
    struct fr_envspec env;
    struct fr_perr e;

    fr__perr_init(&e, ctx);
    assert_int_equal(fr__envspec_get(ctx, "envs/helgrind.yaml", 0, &env, &e), 0);
    assert_true(env.from_file);
    assert_string_equal(env.tool, "helgrind");
    assert_true(env.slowdown == 100);
    assert_non_null(strstr(fr__envspec_yaml(ctx, &env, 4), "\n    limits: {memory_mb: 4096}\n"));
    assert_int_equal(fr__envspec_get(ctx, "envs/preload.yaml", 0, &env, &e), 0);
    assert_null(env.tool);
    assert_true(env.slowdown == 1);
    assert_string_equal(env.slowdown_from, "no Valgrind in the environment");
    talloc_free(ctx);
}

static void bad_file(const char *file, double slowdown, const char *msg, const char *hint)
{
    void *ctx = talloc_new(NULL);
    struct fr_envspec env;
    struct fr_perr e;

    fr__perr_init(&e, ctx);
    assert_int_not_equal(fr__envspec_get(ctx, file, slowdown, &env, &e), 0);
    if (strcmp(e.msg, msg) != 0)
        fail_msg("%s: got '%s', expected '%s'", file, e.msg, msg);
    if (hint && (!e.hint || !strstr(e.hint, hint)))
        fail_msg("%s: hint '%s' lacks '%s'", file, e.hint ? e.hint : "(none)", hint);
    talloc_free(ctx);
}

static void bad_files(void **state)
{
    (void)state;
    /* the runtime parser's own message, at the file's position */
    bad_file("envs/typo.yaml", 0, "envs/typo.yaml:2:1: unknown key 'limts' in env",
             "did you mean 'limits'?");
    bad_file("envs/list.yaml", 0, "envs/list.yaml:1:1: expected a mapping for 'env', "
             "found a list", NULL);
    bad_file("envs/empty.yaml", 0, "envs/empty.yaml: the file is empty", "valgrind:");
    bad_file("envs/missing.yaml", 0, "envs/missing.yaml: cannot read the environment: No "
             "such file or directory", NULL);
    bad_file("envs/cachegrind-custom.yaml", 0, "envs/cachegrind-custom.yaml: no default "
             "slowdown for the Valgrind tool 'exp-dhat'", "--slowdown F");
    /* with a factor given, the unknown tool is fine */
    void *ctx = talloc_new(NULL);
    struct fr_envspec env;
    struct fr_perr e;
    fr__perr_init(&e, ctx);
    assert_int_equal(fr__envspec_get(ctx, "envs/cachegrind-custom.yaml", 30, &env, &e), 0);
    talloc_free(ctx);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(files),
        cmocka_unit_test(bad_files),
    };

    if (argc != 2 || chdir(argv[1]) != 0) {
        fprintf(stderr, "usage: test_environment DIR\n");
        return 2;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
