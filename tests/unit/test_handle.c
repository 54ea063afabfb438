/*
 * test_handle.c - the tags of handles (handle.c): an FMP's own pointers
 * tagged as they leave and untagged as they come back, another FMP's
 * handles passed on as they are, and a handle of a dead incarnation (or,
 * in a sampled instance, of a sibling) refused with -ESTALE by the
 * minting side -- a dispatcher's fr_arg_handle, a stub's fr_get_handle --
 * and by a caller's look before it sends (fr__handle_check); the lasting
 * handles of FR_INIT objects, made again by a replay; a restarted
 * replica's refusal of what it never made; the incarnation count's wrap.
 * The FMPs are those of one plan, set up as fr__rt would hold them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "callee.h"
#include "group.h"
#include "handle.h"
#include "request.h"
#include "state.h"
#include "wire.h"

/* FMPs: 0 the root, 1 restartable, 2 plain, 3 and 4 a group's members. */
#define NFMPS 5
static int retries[NFMPS] = { -1, 2, -1, -1, -1 };
static int group_of[NFMPS] = { -1, -1, -1, 0, 0 };
static struct fr_group group;
static struct fr_fmp fmps[NFMPS];

static const uint64_t obj = 0x55d0c0ffee10ull;  /* a user-space address */

static void plan(int self, int restartable, int kind)
{
    fr__rt.self = self;
    fr__rt.nfmps = NFMPS;
    fr__rt.fmps = fmps;
    for (int k = 0; k < NFMPS; k++)
        snprintf(fmps[k].name, sizeof fmps[k].name, "fmp%d", k);
    retries[1] = restartable ? 2 : -1;
    fr__rt.retries = retries;
    fr__rt.group_of = group_of;
    memset(&group, 0, sizeof group);
    group.kind = kind;
    group.n = 2;
    group.member[0] = 3;
    group.member[1] = 4;
    fr__rt.groups = &group;
    fr__rt.ngroups = kind ? 1 : 0;
    group_of[3] = group_of[4] = kind ? 0 : -1;
}

/* Handle @v as FMP @self of incarnation @gen sends it out. */
static uint64_t sent_by(int self, uint32_t gen, uint64_t v, int kind)
{
    plan(self, 1, kind);
    fr__handle_adopt(gen);
    return fr__handle_out(v);
}

/* 0 or the refusal of handle *@v arriving at FMP @self of incarnation @gen. */
static int taken_by(int self, uint32_t gen, uint64_t *v, int kind)
{
    plan(self, 1, kind);
    fr__handle_adopt(gen);
    return fr__handle_in(v);
}

static void untouched_where_nothing_is_reborn(void **state)
{
    uint64_t v = obj;

    (void)state;
    plan(1, 0, 0);
    fr__handle_adopt(0);
    assert_int_equal(fr__handle_out(obj), obj);
    assert_int_equal(fr__handle_in(&v), 0);
    assert_int_equal(v, obj);
}

static void own_pointer_round_trip(void **state)
{
    uint64_t t = sent_by(1, 3, obj, 0), v = t;

    (void)state;
    assert_int_not_equal(t, obj);
    assert_int_equal(t & 0xffffffffffffull, obj);   /* the pointer's own bits stay */
    assert_int_equal(taken_by(1, 3, &v, 0), 0);
    assert_int_equal(v, obj);
    assert_int_equal(sent_by(1, 3, 0, 0), 0);       /* NULL is NULL everywhere */
}

static void dead_incarnation_refused(void **state)
{
    uint64_t old = sent_by(1, 3, obj, 0), v = old;

    (void)state;
    assert_int_equal(taken_by(1, 4, &v, 0), -ESTALE);
    assert_int_equal(v, old);
    /* the new incarnation's object at the same address is another handle */
    assert_int_not_equal(sent_by(1, 4, obj, 0), old);
    /* the root tags too (a restartable FMP may pass its handles on) */
    v = sent_by(0, 0, obj, 0);
    assert_int_not_equal(v, obj);
    assert_int_equal(taken_by(0, 0, &v, 0), 0);
    assert_int_equal(v, obj);
}

static void others_passed_on(void **state)
{
    uint64_t t = sent_by(1, 3, obj, 0), v = t;

    (void)state;
    /* FMP 2 holds B's handle as it is, and sends it on as it is */
    assert_int_equal(taken_by(2, 0, &v, 0), 0);
    assert_int_equal(v, t);
    assert_int_equal(fr__handle_out(v), t);
    /* a value whose top bits are taken is nobody's handle */
    v = UINT64_MAX;
    assert_int_equal(sent_by(1, 3, v, 0), v);
    for (int k = 0; k < NFMPS; k++) {
        assert_int_equal(taken_by(k, 3, &v, 0), 0);
        assert_int_equal(v, UINT64_MAX);
    }
}

/* Handle @v as replica @self of incarnation @gen sends it out, in the
 * reply of the call at place @frame. */
static uint64_t replica_sent(int self, uint32_t gen, uint64_t frame, uint64_t v)
{
    struct fr_handle_frame hf;
    uint64_t t;

    plan(self, 1, FR_GROUP_REPLICATE);
    fr__handle_adopt(gen);
    fr__handle_serving(&hf, frame);
    t = fr__handle_out(v);
    fr__handle_served(&hf);
    return t;
}

/* Each replica has the object at an address of its own (ASLR): the group's
 * handle is the same number, made from the call, and each member takes it
 * back as its own pointer. */
static void replicas_answer_alike(void **state)
{
    const uint64_t there = 0x7f12deadbe00ull;   /* the object in replica 3 */
    const uint64_t frame = 0x1234567890abcdefull;
    struct fr_handle_frame hf;
    uint64_t t = replica_sent(4, 0, frame, obj), v = t, t2;

    (void)state;
    assert_int_not_equal(t & 0xffffffffffffull, obj);   /* not the address */
    plan(3, 1, FR_GROUP_REPLICATE);
    fr__handle_adopt(0);
    fr__handle_serving(&hf, frame);
    assert_int_equal(fr__handle_out(there), t);
    assert_int_equal(fr__handle_out(there), t);        /* the same object again */
    t2 = fr__handle_out(there + 64);                   /* the call's second object */
    fr__handle_served(&hf);
    assert_int_not_equal(t2, t);
    assert_int_equal(fr__handle_in(&v), 0);
    assert_int_equal(v, there);
    /* later calls hand the first object out as it went the first time */
    fr__handle_serving(&hf, frame + 1);
    assert_int_equal(fr__handle_out(there), t);
    fr__handle_served(&hf);
    /* a number it never gave is none of its objects */
    v = t ^ 1;
    assert_int_equal(fr__handle_in(&v), -ESTALE);
}

/* A replica that restarted holds none of what its group made before: its
 * group's handle is refused; what it makes after it is back goes out as
 * its group's members number it. */
static void restarted_replica_holds_what_it_made(void **state)
{
    uint64_t t = replica_sent(3, 0, 7, obj), v = t;
    uint64_t later = replica_sent(3, 0, 8, obj + 128);

    (void)state;
    assert_int_equal(taken_by(4, 2, &v, FR_GROUP_REPLICATE), -ESTALE);
    assert_int_equal(v, t);
    assert_int_equal(replica_sent(4, 2, 8, 0x7f0000001000ull), later);
    v = later;
    assert_int_equal(fr__handle_in(&v), 0);
    assert_int_equal(v, 0x7f0000001000ull);
    /* a replica's tags count no incarnation: nothing comes round */
    assert_int_equal(fr__handle_period(4), 0);
    assert_int_equal(fr__handle_wraps(4, 100000), 0);
}

/* A reply field list of one handle @v, as a dispatcher leaves it. */
static struct fr__field handle_field(uint64_t v)
{
    return (struct fr__field){ NULL, v, FR_W_HANDLE, -1 };
}

/* Two sampled instances, nothing reborn: handles are tagged all the same
 * (a call must find the instance that made its objects), and a call is
 * routed by the maker of the handles it passes: none, one instance's (a
 * NULL and another FMP's beside it), or two instances' (EXDEV). */
static void sampled_calls_go_to_the_maker(void **state)
{
    struct fr_call c = { 0 };
    uint64_t of4, of3, root_own;
    int j = -1, other = -1;

    (void)state;
    plan(4, 0, FR_GROUP_SAMPLE);
    fr__handle_adopt(0);
    of4 = fr__handle_out(obj);
    assert_int_not_equal(of4, obj);
    plan(3, 0, FR_GROUP_SAMPLE);
    fr__handle_adopt(0);
    of3 = fr__handle_out(obj);
    assert_int_not_equal(of3, of4);
    plan(0, 0, FR_GROUP_SAMPLE);
    fr__handle_adopt(0);
    root_own = fr__handle_out(obj);
    c.fields = c.inline_fields;
    c.cap = FR_CALL_INLINE_FIELDS;
    c.fields[c.nfields++] = handle_field(root_own);
    c.fields[c.nfields++] = handle_field(0);
    assert_int_equal(fr__handle_maker(&c, 0, &j, &other), 0);
    c.fields[c.nfields++] = handle_field(of4);
    c.fields[c.nfields++] = handle_field(of4);
    assert_int_equal(fr__handle_maker(&c, 0, &j, &other), 1);
    assert_int_equal(j, 1);
    c.fields[c.nfields++] = handle_field(of3);
    assert_int_equal(fr__handle_maker(&c, 0, &j, &other), -EXDEV);
    assert_int_equal(j, 1);
    assert_int_equal(other, 0);
    /* one instance alone tags nothing: no call has a choice */
    plan(4, 0, FR_GROUP_SAMPLE);
    group.n = 1;
    fr__handle_adopt(0);
    assert_int_equal(fr__handle_out(obj), obj);
}

static void init_objects_live_on(void **state)
{
    const uint64_t moved = 0x55d0c0ffee80ull;   /* where the replay makes it */
    const uint64_t other = 0x55d0c0ffef00ull;   /* an object of no FR_INIT call */
    uint64_t v, plain, lasting;
    struct fr__field f;

    (void)state;
    /* incarnation 3 of FMP 1 serves an FR_INIT call that returns obj */
    plan(1, 1, 0);
    fr__handle_adopt(3);
    f = handle_field(fr__handle_out(obj));
    plain = fr__handle_out(other);
    fr__handle_init_reply(&f, 1);
    lasting = f.len;
    assert_int_equal(lasting & 0xffffffffffffull, obj);
    assert_int_not_equal(lasting, sent_by(1, 3, obj, 0));
    /* the object leaves as that value wherever it leaves, and comes back */
    plan(1, 1, 0);
    fr__handle_adopt(3);
    f = handle_field(fr__handle_out(obj));
    fr__handle_init_reply(&f, 1);
    assert_int_equal(fr__handle_out(obj), lasting);
    v = lasting;
    assert_int_equal(fr__handle_in(&v), 0);
    assert_int_equal(v, obj);

    /* incarnation 4: the root tells it the value, then replays the call,
     * which makes the object elsewhere */
    plan(1, 1, 0);
    fr__handle_adopt(4);
    v = lasting;
    assert_int_equal(fr__handle_in(&v), -ESTALE);   /* not made again yet */
    assert_int_equal(fr__handle_expect(&lasting, 1), 0);
    f = handle_field(fr__handle_out(moved));
    fr__handle_init_reply(&f, 1);
    assert_int_equal(f.len, lasting);   /* the replay answers as the first call did */
    v = lasting;
    assert_int_equal(fr__handle_in(&v), 0);
    assert_int_equal(v, moved);
    assert_int_equal(fr__handle_out(moved), lasting);
    /* the dead incarnation's other objects stay dead */
    v = plain;
    assert_int_equal(fr__handle_in(&v), -ESTALE);
    /* an object a later FR_INIT call makes at the first one's old address
     * cannot take the value that names the moved one: it is this
     * incarnation's */
    f = handle_field(fr__handle_out(obj));
    fr__handle_init_reply(&f, 1);
    assert_int_equal(f.len, fr__handle_out(obj));
    assert_int_not_equal(f.len, lasting);
    v = f.len;
    assert_int_equal(fr__handle_in(&v), 0);
    assert_int_equal(v, obj);

    /* callers let it through to any incarnation: its owner decides */
    struct fr_call c;
    plan(0, 1, 0);
    fr__handle_adopt(0);
    fr_call_begin(&c, 0);
    fr_put_handle(&c, &lasting, sizeof lasting);
    assert_int_equal(fr__handle_check(&c, 1, 9), 0);
    fr__request_free(&c);
    /* the root finds it in the recorded reply */
    unsigned char rep[64];
    struct fr_wire_enc enc = { 0, 0 };
    f = handle_field(lasting);
    size_t len = fr__wire_fill(&f, 1, &enc, rep, sizeof rep);
    uint64_t found = 0;
    assert_int_equal(fr__handle_lasting(rep, len, 1, &found, 1), 1);
    assert_int_equal(found, lasting);
    assert_int_equal(fr__handle_lasting(rep, len, 2, &found, 1), 0);
}

static void an_fmp_never_reborn_makes_no_lasting_handle(void **state)
{
    struct fr__field f;

    (void)state;
    plan(2, 1, 0);            /* FMP 2 is plain: its objects never die */
    fr__handle_adopt(0);
    f = handle_field(fr__handle_out(obj));
    uint64_t t = f.len;
    fr__handle_init_reply(&f, 1);
    assert_int_equal(f.len, t);
}

/* 2^k restarts: the tag comes round, and the root is told before it
 * starts the incarnation that would carry a dead one's tag. */
static void incarnation_wrap_is_refused(void **state)
{
    uint32_t p;

    (void)state;
    plan(0, 1, 0);
    fr__handle_adopt(0);
    p = fr__handle_period(1);
    assert_int_equal(p, (1u << 12) - 1);   /* 5 FMPs: 3 bits name them */
    assert_int_equal(fr__handle_wraps(1, p - 1), 0);
    assert_int_equal(fr__handle_wraps(1, p), 1);
    assert_int_equal(fr__handle_wraps(1, 5 * p + 3), 1);
    /* what the refusal prevents: incarnation p has incarnation 0's tag */
    assert_int_equal(sent_by(1, p, obj, 0), sent_by(1, 0, obj, 0));
    /* and no incarnation has the tag of FR_INIT objects */
    plan(1, 1, 0);
    fr__handle_adopt(1);
    struct fr__field f = handle_field(fr__handle_out(obj));
    fr__handle_init_reply(&f, 1);
    uint64_t lasting = f.len;
    for (uint32_t g = 0; g < p; g++)
        assert_int_not_equal(sent_by(1, g, obj, 0), lasting);
    /* nothing reborn anywhere: no tags, nothing wraps */
    plan(0, 0, 0);
    fr__handle_adopt(0);
    assert_int_equal(fr__handle_wraps(1, 1u << 31), 0);
}

static void sampled_sibling_refused(void **state)
{
    uint64_t t = sent_by(4, 0, obj, FR_GROUP_SAMPLE), v = t;

    (void)state;
    assert_int_equal(taken_by(3, 0, &v, FR_GROUP_SAMPLE), -ESTALE);
    v = t;
    assert_int_equal(taken_by(4, 0, &v, FR_GROUP_SAMPLE), 0);
    assert_int_equal(v, obj);
}

static void caller_looks_before_sending(void **state)
{
    uint64_t t = sent_by(1, 3, obj, 0), mine = obj;
    struct fr_call c;

    (void)state;
    plan(0, 1, 0);
    fr__handle_adopt(0);
    fr_call_begin(&c, 0);
    fr_put_handle(&c, &mine, sizeof mine);   /* the root's own: not FMP 1's */
    fr_put_handle(&c, &t, sizeof t);
    assert_int_equal(c.nhandles, 2);
    assert_int_equal(fr__handle_check(&c, 1, 3), 0);
    assert_int_equal(fr__handle_check(&c, 1, 4), -ESTALE);
    assert_int_equal(fr__handle_check(&c, 2, 4), 0);
    fr__request_free(&c);
}

static uint64_t got;
static int called;

static int dispatch_handle(struct fr_callee *cc)
{
    int rc = fr_arg_handle(cc, &got, sizeof got);

    if (rc == 0)
        called = 1;           /* where the function would run */
    return rc;
}

/* A request holding handle @v, as FMP @self of incarnation @gen decodes it. */
static int decode(int self, uint32_t gen, uint64_t v)
{
    struct fr__field f = { NULL, v, FR_W_HANDLE, -1 };
    struct fr_wire_enc enc = { 0, 0 };
    unsigned char req[64];
    size_t len = fr__wire_fill(&f, 1, &enc, req, sizeof req);

    plan(self, 1, 0);
    fr__handle_adopt(gen);
    called = 0;
    got = 0;
    return fr__callee_decode(req, len, dispatch_handle);
}

static void dispatcher_refuses_before_the_function(void **state)
{
    uint64_t t = sent_by(1, 3, obj, 0);

    (void)state;
    assert_int_equal(decode(1, 3, t), 0);
    assert_int_equal(got, obj);
    assert_int_equal(called, 1);
    assert_int_equal(decode(1, 4, t), -ESTALE);
    assert_int_equal(called, 0);
    assert_int_equal(got, 0);
}

static void reply_of_a_dead_handle_fails_the_call(void **state)
{
    uint64_t t = sent_by(1, 3, obj, 0), dst = 42;
    struct fr__field f = { NULL, t, FR_W_HANDLE, -1 };
    struct fr_wire_enc enc = { 0, 0 };
    unsigned char rep[64];
    size_t len = fr__wire_fill(&f, 1, &enc, rep, sizeof rep);
    struct fr_call c;

    (void)state;
    plan(1, 1, 0);
    fr__handle_adopt(4);
    fr_call_begin(&c, 0);
    c.rp = rep;
    c.rend = rep + len;
    fr_get_handle(&c, &dst, sizeof dst);
    assert_int_equal(c.err, -ESTALE);
    /* the caller's code never holds it: NULL, not what was there, which in
     * a struct that came back is the callee's raw pointer */
    assert_int_equal(dst, 0);
    fr__handle_adopt(3);
    fr_call_begin(&c, 0);
    c.rp = rep;
    c.rend = rep + len;
    fr_get_handle(&c, &dst, sizeof dst);
    assert_int_equal(c.err, 0);
    assert_int_equal(dst, obj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(untouched_where_nothing_is_reborn),
        cmocka_unit_test(own_pointer_round_trip),
        cmocka_unit_test(dead_incarnation_refused),
        cmocka_unit_test(others_passed_on),
        cmocka_unit_test(replicas_answer_alike),
        cmocka_unit_test(restarted_replica_holds_what_it_made),
        cmocka_unit_test(init_objects_live_on),
        cmocka_unit_test(an_fmp_never_reborn_makes_no_lasting_handle),
        cmocka_unit_test(incarnation_wrap_is_refused),
        cmocka_unit_test(sampled_sibling_refused),
        cmocka_unit_test(sampled_calls_go_to_the_maker),
        cmocka_unit_test(caller_looks_before_sending),
        cmocka_unit_test(dispatcher_refuses_before_the_function),
        cmocka_unit_test(reply_of_a_dead_handle_fails_the_call),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
