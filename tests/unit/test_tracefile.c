/*
 * test_tracefile.c - the trace file's writer (tracefile.c): the app id is
 * FNV-1a 64 over the module table as tracefile.h spells it byte by byte,
 * and the JSON is what partition/README.md says, names with quotes,
 * backslashes and control characters escaped, read back with jansson.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "tracefile.h"

/* FNV-1a 64's published test vectors. */
static void test_fnv1a_vectors(void **state)
{
    (void)state;
    assert_true(fr__fnv1a(FR_FNV1A_BASIS, "", 0) == 0xcbf29ce484222325ull);
    assert_true(fr__fnv1a(FR_FNV1A_BASIS, "a", 1) == 0xaf63dc4c8601ec8cull);
    assert_true(fr__fnv1a(FR_FNV1A_BASIS, "foobar", 6) == 0x85944171f73967e8ull);
    /* in steps, the same as at once */
    assert_true(fr__fnv1a(fr__fnv1a(FR_FNV1A_BASIS, "foo", 3), "bar", 3) ==
                0x85944171f73967e8ull);
}

static int dispatch_none(struct fr_callee *cc)
{
    (void)cc;
    return 0;
}

static const char weird[] = "we\"ird\\mod\n\x01";

static const struct fr_module mods[] = {
    { "main", 0 },
    { weird, FR_RESTARTABLE | FR_SAMPLABLE },
    { "all", FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE },
};
static const struct fr_function fns[] = {
    { "f\"q", 1, 0, dispatch_none, NULL, NULL, NULL, 0 },
    { "cb\\x", 0, FR_FN_CALLBACK, dispatch_none, NULL, NULL, NULL, 0 },
    { "init", 2, FR_FN_INIT, dispatch_none, NULL, NULL, NULL, 0 },
    { "same", 2, 0, dispatch_none, NULL, NULL, NULL, 0 },
};
static const struct fr_app app = {
    FR_ABI_VERSION, "app \"x\"", mods, 3, fns, 4, NULL, 0, NULL,
};

/* The bytes tracefile.h says the id hashes, written out here by hand. */
static void test_app_id_bytes(void **state)
{
    static const unsigned char bytes[] =
        "main\0" "\0\0\0\0"
        "we\"ird\\mod\n\x01\0" "\x05\0\0\0"
        "all\0" "\x07\0\0\0"
        "f\"q\0" "\x01\0\0\0" "\0\0\0\0"
        "cb\\x\0" "\0\0\0\0" "\x02\0\0\0"
        "init\0" "\x02\0\0\0" "\x01\0\0\0"
        "same\0" "\x02\0\0\0" "\0\0\0\0";
    (void)state;
    assert_true(fr__trace_app_id(&app) == fr__fnv1a(FR_FNV1A_BASIS, bytes, sizeof bytes - 1));
}

/* Another name, caps, flags, module or order: another app. */
static void test_app_id_changes(void **state)
{
    struct fr_module m2[3];
    struct fr_function f2[4];
    struct fr_app a2 = app;
    uint64_t id = fr__trace_app_id(&app);
    const struct fr_function *list[4] = { &fns[0], &fns[1], &fns[2], &fns[3] };
    (void)state;

    a2.modules = m2;
    a2.functions = f2;
    memcpy(m2, mods, sizeof m2);
    memcpy(f2, fns, sizeof f2);
    assert_true(fr__trace_app_id(&a2) == id);
    m2[2].caps = FR_RESTARTABLE;
    assert_true(fr__trace_app_id(&a2) != id);
    memcpy(m2, mods, sizeof m2);
    f2[2].flags = 0;
    assert_true(fr__trace_app_id(&a2) != id);
    memcpy(f2, fns, sizeof f2);
    f2[3].module = 1;
    assert_true(fr__trace_app_id(&a2) != id);
    memcpy(f2, fns, sizeof f2);
    f2[2] = fns[3];
    f2[3] = fns[2];
    assert_true(fr__trace_app_id(&a2) != id);
    memcpy(f2, fns, sizeof f2);
    m2[0].name = "mai";       /* "mai" + "n..." must not hash as "main" + "..." */
    assert_true(fr__trace_app_id(&a2) != id);
    /* a table given as a list of pointers is the same table */
    a2 = app;
    a2.functions = NULL;
    a2.function_list = list;
    assert_true(fr__trace_app_id(&a2) == id);
}

static json_int_t int_of(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_integer(v));
    return json_integer_value(v);
}

static void test_json(void **state)
{
    uint64_t cpu[3] = { 5, UINT64_MAX, 0 };
    struct fr_trace_counts edges[3 * 4] = { 0 };
    struct fr_trace_sum s = { &app, cpu, edges, 1234 };
    char *text = NULL, id[17];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    json_error_t err;
    json_t *t, *m, *e;
    (void)state;

    edges[0 * 4 + 0] = (struct fr_trace_counts){ 3, 48, 16, 1 };      /* main -> f"q */
    edges[1 * 4 + 1] = (struct fr_trace_counts){ 2, 10, 0, 0 };       /* weird -> cb\x */
    edges[1 * 4 + 3] = (struct fr_trace_counts){ UINT64_MAX, 1, 2, 3 };  /* weird -> same */
    edges[2 * 4 + 2] = (struct fr_trace_counts){ 9, 9, 9, 9 };        /* within a module */
    edges[0 * 4 + 2] = (struct fr_trace_counts){ 0, 0, 0, 0 };        /* never called */
    assert_non_null(f);
    assert_int_equal(fr__trace_json(f, &s), 0);
    fclose(f);
    t = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    if (!t)
        fail_msg("not JSON (%s, line %d):\n%s", err.text, err.line, text);

    assert_string_equal(json_string_value(json_object_get(t, "format")), "fracture-trace");
    assert_int_equal(int_of(t, "version"), 1);
    assert_int_equal(int_of(t, "runs"), 1);
    assert_int_equal(int_of(t, "wall_ns"), 1234);
    assert_string_equal(json_string_value(json_object_get(json_object_get(t, "app"), "name")),
                        "app \"x\"");
    snprintf(id, sizeof id, "%016llx", (unsigned long long)fr__trace_app_id(&app));
    assert_string_equal(json_string_value(json_object_get(json_object_get(t, "app"), "id")), id);

    m = json_object_get(t, "modules");
    assert_int_equal(json_array_size(m), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(m, 1), "name")), weird);
    assert_int_equal(int_of(json_array_get(m, 0), "cpu_ns"), 5);
    assert_int_equal(int_of(json_array_get(m, 1), "cpu_ns"), INT64_MAX);   /* clamped */
    assert_int_equal(json_array_size(json_object_get(json_array_get(m, 0), "caps")), 0);
    json_t *caps = json_object_get(json_array_get(m, 2), "caps");
    assert_int_equal(json_array_size(caps), 3);
    assert_string_equal(json_string_value(json_array_get(caps, 0)), "restartable");
    assert_string_equal(json_string_value(json_array_get(caps, 1)), "replicable");
    assert_string_equal(json_string_value(json_array_get(caps, 2)), "samplable");

    /* called edges only, none within a module, by caller then function */
    e = json_object_get(t, "edges");
    assert_int_equal(json_array_size(e), 3);
    json_t *e0 = json_array_get(e, 0), *e1 = json_array_get(e, 1), *e2 = json_array_get(e, 2);
    assert_string_equal(json_string_value(json_object_get(e0, "from")), "main");
    assert_string_equal(json_string_value(json_object_get(e0, "to")), weird);
    assert_string_equal(json_string_value(json_object_get(e0, "function")), "f\"q");
    assert_true(json_is_false(json_object_get(e0, "callback")));
    assert_int_equal(int_of(e0, "calls"), 3);
    assert_int_equal(int_of(e0, "bytes_in"), 48);
    assert_int_equal(int_of(e0, "bytes_out"), 16);
    assert_int_equal(int_of(e0, "fds"), 1);
    assert_string_equal(json_string_value(json_object_get(e1, "from")), weird);
    assert_string_equal(json_string_value(json_object_get(e1, "to")), "main");
    assert_string_equal(json_string_value(json_object_get(e1, "function")), "cb\\x");
    assert_true(json_is_true(json_object_get(e1, "callback")));
    assert_string_equal(json_string_value(json_object_get(e2, "function")), "same");
    assert_int_equal(int_of(e2, "calls"), INT64_MAX);
    json_decref(t);
    free(text);
}

/* An error of the stream is the writer's error. */
static void test_json_write_error(void **state)
{
    uint64_t cpu[3] = { 0 };
    struct fr_trace_counts edges[12] = { 0 };
    struct fr_trace_sum s = { &app, cpu, edges, 0 };
    FILE *f = fopen("/dev/full", "w");
    (void)state;

    if (!f)
        skip();
    setvbuf(f, NULL, _IONBF, 0);
    assert_int_equal(fr__trace_json(f, &s), -EIO);
    fclose(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fnv1a_vectors),
        cmocka_unit_test(test_app_id_bytes),
        cmocka_unit_test(test_app_id_changes),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
