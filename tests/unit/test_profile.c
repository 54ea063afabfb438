/*
 * test_profile.c - the profiler's buffers and file (profile.c,
 * profilefile.c) without processes: a call's keys are the places
 * fr__xchg_place gives its requests (top-level and nested, one per member
 * of a group), so each meets its serve's; the file written from the
 * buffers is trace-event JSON (every event with ph, ts, pid, tid and name,
 * named tracks, a flow per linked pair); and what a child may write into
 * its buffer (an unfinished record, a kind, function, module or pid out of
 * range, time running backwards, a key count past the bound, a head past
 * the end) is left out or bounded, the overflow said as dropped spans.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "profile.h"
#include "profilefile.h"
#include "state.h"

static const struct fr_module mods[] = { { "main", 0 }, { "maths", 0 } };
static const struct fr_function fns[] = {
    { "math_add", 1, 0, NULL, NULL, NULL, NULL, 0 },
    { "on_result", 0, FR_FN_CALLBACK, NULL, NULL, NULL, NULL, 0 },
};
static const struct fr_app app = {
    .abi_version = FR_ABI_VERSION,
    .name = "t",
    .modules = mods,
    .nmodules = 2,
    .functions = fns,
    .nfunctions = 2,
};
static struct fr_fmp fmps[2];

static void setup_rt(void)
{
    fr__rt.app = &app;
    fr__rt.self = 0;
    fr__rt.nfmps = 2;
    fr__rt.fmps = fmps;
    snprintf(fmps[0].name, sizeof fmps[0].name, "root");
    snprintf(fmps[1].name, sizeof fmps[1].name, "kid");
}

/* A call's keys are its requests' places, as the callee computes them. */
static void test_keys_meet(void **state)
{
    struct fr_lt lt;
    struct fr_prof_key k;
    uint64_t before;
    (void)state;

    setup_rt();
    memset(&lt, 0, sizeof lt);
    lt.id = 9;
    /* top-level: three member calls (a replicated FMP), counts 6, 7, 8 */
    lt.ncalls = 5;
    before = fr__prof_counter(&lt);
    lt.ncalls = 8;
    k = fr__prof_call_keys(&lt, before);
    assert_int_equal(k.nkeys, 3);
    for (unsigned i = 0; i < 3; i++) {
        uint64_t parent = (uint64_t)(fr__rt.self + 1) << 48 ^ (uint64_t)lt.id << 32 ^ (6 + i);
        struct fr_prof_key s = fr__prof_serve_key(parent, 0);   /* fr__xchg_place's */
        assert_true(fr__prof_key_at(&k, i) == fr__prof_key_at(&s, 0));
    }
    /* nested in a served frame at depth 2: the frame's fourth outward call */
    lt.depth = 2;
    lt.place[1] = (struct fr_frame_place){ 0x1234567890ull, 3 };
    lt.nout[1] = 3;
    before = fr__prof_counter(&lt);
    lt.nout[1] = 4;
    lt.ncalls = 100;          /* a top-level count is not this call's */
    k = fr__prof_call_keys(&lt, before);
    assert_int_equal(k.nkeys, 1);
    struct fr_prof_key s = fr__prof_serve_key(fr__frame_id(0x1234567890ull, 3), 4);
    assert_true(fr__prof_key_at(&k, 0) == fr__prof_key_at(&s, 0));
    /* no request sent (refused before the policy): no key */
    k = fr__prof_call_keys(&lt, fr__prof_counter(&lt));
    assert_int_equal(k.nkeys, 0);
}

static json_t *write_and_read(void)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    json_error_t err;
    json_t *root;

    assert_non_null(f);
    assert_int_equal(fr__prof_json(f), 0);
    fclose(f);
    root = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    if (!root)
        fail_msg("not JSON: %s (line %d):\n%s", err.text, err.line, text);
    free(text);
    return root;
}

static size_t count(json_t *evs, const char *ph, const char *name)
{
    size_t i, n = 0;
    json_t *e;

    json_array_foreach(evs, i, e)
        n += strcmp(json_string_value(json_object_get(e, "ph")), ph) == 0 &&
             (!name || strcmp(json_string_value(json_object_get(e, "name")), name) == 0);
    return n;
}

static const char *meta_name(json_t *evs, const char *what, long long pid, long long tid)
{
    size_t i;
    json_t *e;

    json_array_foreach(evs, i, e)
        if (strcmp(json_string_value(json_object_get(e, "ph")), "M") == 0 &&
            strcmp(json_string_value(json_object_get(e, "name")), what) == 0 &&
            json_integer_value(json_object_get(e, "pid")) == pid &&
            (tid < 0 || json_integer_value(json_object_get(e, "tid")) == tid))
            return json_string_value(json_object_get(json_object_get(e, "args"), "name"));
    return NULL;
}

static struct fr_prof_rec *buffer_of(int k, uint64_t **head)
{
    const struct fr_prof_rec *r;
    uint64_t n, d;

    assert_int_equal(fr__prof_records(k, &r, &n, &d), 0);
    /* the header page before the records: magic, capacity, head */
    *head = (uint64_t *)((unsigned char *)r - 4096) + 2;
    return (struct fr_prof_rec *)r;
}

static void test_file(void **state)
{
    struct fr_prof_key one = { 42, 0, 1, FR_PROF_KEY_ONE };
    struct fr_prof_rec *kid, good;
    uint64_t *head;
    json_t *root, *evs, *e;
    size_t i;
    (void)state;

    setup_rt();
    assert_int_equal(fr__prof_setup(2, 64), 0);
    fr__prof_enable();
    assert_true(fr__prof_on);
    /* the root's call of math_add, into kid */
    fr__prof_span(FR_PROF_CALL, 0, 0, 0, 1, 7, 0, 0, fr__prof_now() - 5000, &one);
    /* kid's buffer, as a child writes it: one good serve, then junk */
    kid = buffer_of(1, &head);
    good = (struct fr_prof_rec){ .kind = FR_PROF_SERVE, .fn = 0, .pid = 4242, .tid = 4243,
                                 .peer = 0, .lt = 7, .from = -1, .k = one };
    good.t0 = fr__prof_now() - 4000;
    good.t1 = good.t0 + 1000;
    atomic_store(&good.ready, FR_PROF_READY);
    kid[0] = good;
    kid[1] = good;
    atomic_store(&kid[1].ready, 0);          /* never finished */
    kid[2] = good;
    kid[2].kind = 7;
    kid[3] = good;
    kid[3].fn = 99;
    kid[4] = good;
    kid[4].t1 = kid[4].t0 - 1;               /* time backwards */
    kid[5] = good;
    kid[5].pid = 0;
    kid[6] = good;
    kid[6].kind = FR_PROF_CALL;
    kid[6].from = 5;                         /* no such module */
    kid[7] = good;
    kid[7].kind = FR_PROF_CALL;
    kid[7].from = 1;
    kid[7].peer = 77;                        /* no such FMP: shown as "?" */
    kid[7].k = (struct fr_prof_key){ 1, 1, 60000, FR_PROF_KEY_TOP };   /* keys bounded */
    *head = 64 + 5;                          /* 5 claimed past the end */

    root = write_and_read();
    evs = json_object_get(root, "traceEvents");
    assert_true(json_is_array(evs));
    assert_string_equal(json_string_value(json_object_get(root, "displayTimeUnit")), "ns");
    json_array_foreach(evs, i, e) {
        assert_true(json_is_string(json_object_get(e, "ph")));
        assert_true(json_is_string(json_object_get(e, "name")));
        assert_true(json_is_number(json_object_get(e, "ts")));
        assert_true(json_is_integer(json_object_get(e, "pid")));
        assert_true(json_is_integer(json_object_get(e, "tid")));
    }
    /* the root's call, kid's good serve and kid's call to FMP 77 */
    assert_int_equal(count(evs, "X", NULL), 3);
    assert_int_equal(count(evs, "s", NULL), 1);
    assert_int_equal(count(evs, "f", NULL), 1);
    assert_string_equal(meta_name(evs, "process_name", getpid(), -1), "root");
    assert_string_equal(meta_name(evs, "process_name", 4242, -1), "kid");
    assert_string_equal(meta_name(evs, "thread_name", 4242, 4243), "worker of logical thread 7");
    json_t *dropped = json_object_get(json_object_get(root, "otherData"), "dropped_spans");
    assert_int_equal(json_integer_value(json_object_get(dropped, "kid")), 5);
    assert_null(json_object_get(dropped, "root"));
    assert_int_equal(count(evs, "i", "dropped 5 spans"), 1);
    json_array_foreach(evs, i, e)
        if (strcmp(json_string_value(json_object_get(e, "ph")), "X") == 0 &&
            json_integer_value(json_object_get(e, "pid")) == 4242 &&
            strcmp(json_string_value(json_object_get(e, "cat")), "call") == 0)
            assert_string_equal(json_string_value(
                                    json_object_get(json_object_get(e, "args"), "callee_fmp")),
                                "?");
    json_decref(root);

    /* rewound: nothing, nothing dropped */
    fr__prof_rewind();
    root = write_and_read();
    evs = json_object_get(root, "traceEvents");
    assert_int_equal(count(evs, "X", NULL), 0);
    assert_int_equal(json_object_size(json_object_get(json_object_get(root, "otherData"),
                                                      "dropped_spans")),
                     0);
    json_decref(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_meet),
        cmocka_unit_test(test_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
