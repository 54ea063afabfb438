/*
 * test_hook.c - the hooks' table and argument reader (hook.c): what
 * registration refuses, which functions and modules a glob hooks (a hook
 * on one module leaves the others direct, FR_REMOTE_HOOKED only where it
 * watches), the actions run in order with the call's identity, a failing
 * action stops the rest, unregistering, and arguments read through the
 * parameters' description: scalars, strings, buffers, an array of
 * strings skipped, OUT without content, the fields of a deep struct
 * refused.
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

#include <fracture/hook.h>

#include "hook.h"
#include "state.h"
#include "wire.h"

static const struct fr_module mods[] = { { "main", 0 }, { "alpha", 0 }, { "beta", 0 } };
static const struct fr_param p_put[] = {
    { "key", FR_P_STRING, 0, 0, NULL },
    { "names", FR_P_STRINGS, 0, 0, "n" },
    { "v", FR_P_IN, 0, sizeof(int), "n" },
    { "out", FR_P_OUT, 0, 1, "8" },
    { "n", FR_P_SCALAR, 0, sizeof(int), NULL },
};
static const struct fr_param p_deep[] = {
    { "b", FR_P_INOUT, FR_PARAM_DEEP, 16, "1" },
    { "k", FR_P_SCALAR, 0, sizeof(int), NULL },
};
static const struct fr_function fns[] = {
    { "alpha_put", 1, 0, NULL, NULL, NULL, p_put, 5 },
    { "alpha_deep", 1, 0, NULL, NULL, NULL, p_deep, 2 },
    { "beta_get", 2, 0, NULL, NULL, NULL, NULL, 0 },
};
static const struct fr_app app = {
    .abi_version = FR_ABI_VERSION, .name = "hooks", .modules = mods, .nmodules = 3,
    .functions = fns, .nfunctions = 3,
};

static char seen[256];
static int fail_with;

static int note(const struct fr_hook_call *hc, void *ud)
{
    size_t n = strlen(seen);

    snprintf(seen + n, sizeof seen - n, "%s:%d:%s.%s<-%s;", (const char *)ud, hc->action,
             hc->module_name, hc->function_name, hc->caller_name);
    return fail_with;
}

static int setup(void **state)
{
    (void)state;
    fr__rt.app = &app;
    memset(fr__remote, 0, 3);
    seen[0] = '\0';
    fail_with = 0;
    return 0;
}

static void test_refused(void **state)
{
    struct fr_hook none = { .modules = "alpha" };
    struct fr_hook typo = { .modules = "alhpa", .agent_before = note };
    struct fr_hook fn_typo = { .functions = "alpha_pot", .agent_before = note };
    struct fr_hook all = { .agent_before = note, .ud = "x" };
    int ids[FR_HOOK_MAX];

    (void)state;
    assert_int_equal(fr_hook_register(NULL, NULL), -EINVAL);
    assert_int_equal(fr_hook_register(&none, NULL), -EINVAL);       /* no action */
    assert_int_equal(fr_hook_register(&typo, NULL), -EINVAL);       /* names nothing */
    assert_int_equal(fr_hook_register(&fn_typo, NULL), -EINVAL);
    assert_int_equal(fr_hook_unregister(12345), -ENOENT);
    for (int i = 0; i < FR_HOOK_MAX; i++)
        assert_int_equal(fr_hook_register(&all, &ids[i]), 0);
    assert_int_equal(fr_hook_register(&all, NULL), -ENOSPC);
    for (int i = 0; i < FR_HOOK_MAX; i++)
        assert_int_equal(fr_hook_unregister(ids[i]), 0);
    assert_int_equal(fr_hook_unregister(ids[0]), -ENOENT);
    assert_int_equal(atomic_load(&fr__hooks_on), 0);
}

/* A hook on alpha hooks alpha's functions only; beta stays direct. */
static void test_one_module(void **state)
{
    struct fr_hook h = { .modules = "alpha", .agent_before = note, .ud = "a" };
    int id;

    (void)state;
    assert_int_equal(fr_hook_register(&h, &id), 0);
    assert_int_equal(fr__remote[1], FR_REMOTE_HOOKED);
    assert_int_equal(fr__remote[2], 0);
    assert_int_equal(fr__remote[0], 0);
    assert_true(fr__hook_wants(0));
    assert_true(fr__hook_wants(1));
    assert_false(fr__hook_wants(2));
    assert_int_equal(fr__hook_run(FR_HOOK_AGENT_BEFORE, 2, 0, NULL, 0, 0), 0);
    assert_string_equal(seen, "");
    /* a module that runs in another FMP stays so (1), and is hooked all the same */
    assert_int_equal(fr_hook_unregister(id), 0);
    assert_int_equal(fr__remote[1], 0);
    fr__remote[1] = 1;
    assert_int_equal(fr_hook_register(&h, &id), 0);
    assert_int_equal(fr__remote[1], 1);
    assert_true(fr__hook_wants(0));
    assert_int_equal(fr_hook_unregister(id), 0);
    assert_int_equal(fr__remote[1], 1);
    fr__remote[1] = 0;
}

/* Actions run in registration order with the identity; a failure stops
 * the rest and is the call's. */
static void test_order_and_fail(void **state)
{
    struct fr_hook a = { .functions = "alpha_*", .agent_before = note, .shadow_after = note,
                         .ud = "a" };
    struct fr_hook b = { .modules = "alp*", .agent_before = note, .ud = "b" };
    int ia, ib;

    (void)state;
    assert_int_equal(fr_hook_register(&a, &ia), 0);
    assert_int_equal(fr_hook_register(&b, &ib), 0);
    assert_int_equal(fr__hook_run(FR_HOOK_AGENT_BEFORE, 0, 2, NULL, 0, 0), 0);
    assert_string_equal(seen, "a:1:alpha.alpha_put<-beta;b:1:alpha.alpha_put<-beta;");
    seen[0] = '\0';
    assert_int_equal(fr__hook_run(FR_HOOK_SHADOW_AFTER, 1, 0, NULL, 0, 0), 0);
    assert_string_equal(seen, "a:3:alpha.alpha_deep<-main;");
    seen[0] = '\0';
    fail_with = -ESTALE;
    assert_int_equal(fr__hook_run(FR_HOOK_AGENT_BEFORE, 0, 0, NULL, 0, 0), -ESTALE);
    assert_string_equal(seen, "a:1:alpha.alpha_put<-main;");
    fail_with = 7;            /* not a negative errno: a failure all the same */
    assert_int_equal(fr__hook_run(FR_HOOK_AGENT_BEFORE, 0, 0, NULL, 0, 0), -EIO);
    assert_int_equal(fr_hook_unregister(ia), 0);
    assert_int_equal(fr_hook_unregister(ib), 0);
}

static int got_rc[5];
static struct fr_hook_arg got[5];

static int read_args(const struct fr_hook_call *hc, void *ud)
{
    (void)ud;
    for (unsigned i = 0; i < hc->nparams && i < 5; i++)
        got_rc[i] = fr_hook_arg(hc, i, &got[i]);
    assert_int_equal(fr_hook_arg(hc, hc->nparams, &got[0]), -ERANGE);
    return 0;
}

static void test_args(void **state)
{
    struct fr_hook h = { .modules = "alpha", .shadow_before = read_args };
    int v[2] = { 4, 5 }, n = 2, k = 9, id;
    char out[8] = "garbage";
    unsigned char deep[16] = { 0 };
    struct fr__field put[] = {
        { "k1", 3, FR_W_STRING, -1 },
        { NULL, 2, FR_W_STRV, -1 }, { "x", 2, FR_W_STRING, -1 }, { "y", 2, FR_W_STRING, -1 },
        { v, sizeof v, FR_W_IN, -1 },
        { out, sizeof out, FR_W_OUT, -1 },
        { &n, sizeof n, FR_W_SCALAR, -1 },
    };
    struct fr__field dp[] = {
        { deep, sizeof deep, FR_W_INOUT, -1 }, { "s", 2, FR_W_STRING, -1 },
        { &k, sizeof k, FR_W_SCALAR, -1 },
    };

    (void)state;
    assert_int_equal(fr_hook_register(&h, &id), 0);
    assert_int_equal(fr__hook_run(FR_HOOK_SHADOW_BEFORE, 0, 0, put, 7, 0), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(got_rc[i], 0);
    assert_string_equal(got[0].name, "key");
    assert_string_equal((const char *)got[0].ptr, "k1");
    assert_int_equal(got[1].kind, FR_P_STRINGS);
    assert_int_equal(got[1].len, 2);
    assert_ptr_equal(got[2].ptr, v);
    assert_int_equal(got[2].len, sizeof v);
    assert_null(got[3].ptr);  /* OUT: no content before the call */
    assert_int_equal(got[3].len, 8);
    assert_int_equal(*(const int *)got[4].ptr, 2);
    assert_string_equal(got[4].name, "n");
    /* after a struct copied deep: its fields come between, unknown */
    assert_int_equal(fr__hook_run(FR_HOOK_SHADOW_BEFORE, 1, 0, dp, 3, 0), 0);
    assert_int_equal(got_rc[0], 0);
    assert_ptr_equal(got[0].ptr, deep);
    assert_int_equal(got_rc[1], -ENOTSUP);
    assert_int_equal(fr_hook_unregister(id), 0);
}

/* The shadow of a request from another FMP reads the same from the wire. */
static void test_wire(void **state)
{
    struct fr_hook h = { .modules = "alpha", .shadow_before = read_args };
    int v[2] = { 4, 5 }, n = 2, id;
    char out[8];
    struct fr__field put[] = {
        { "k1", 3, FR_W_STRING, -1 },
        { NULL, 2, FR_W_STRV, -1 }, { "x", 2, FR_W_STRING, -1 }, { "y", 2, FR_W_STRING, -1 },
        { v, sizeof v, FR_W_IN, -1 },
        { out, sizeof out, FR_W_OUT, -1 },
        { &n, sizeof n, FR_W_SCALAR, -1 },
    };
    uint64_t len;
    unsigned char *buf = fr__wire_encode(put, 7, &len);

    (void)state;
    assert_non_null(buf);
    assert_int_equal(fr_hook_register(&h, &id), 0);
    memset(got, 0, sizeof got);
    assert_int_equal(fr__hook_run_wire(FR_HOOK_SHADOW_BEFORE, 0, 1, buf, len, 0), 0);
    for (int i = 0; i < 5; i++)
        assert_int_equal(got_rc[i], 0);
    assert_string_equal((const char *)got[0].ptr, "k1");
    assert_int_equal(got[1].len, 2);
    assert_memory_equal(got[2].ptr, v, sizeof v);
    assert_null(got[3].ptr);
    assert_int_equal(got[3].len, 8);
    assert_int_equal(*(const int *)got[4].ptr, 2);
    assert_int_equal(fr_hook_unregister(id), 0);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_refused, setup),
        cmocka_unit_test_setup(test_one_module, setup),
        cmocka_unit_test_setup(test_order_and_fail, setup),
        cmocka_unit_test_setup(test_args, setup),
        cmocka_unit_test_setup(test_wire, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
