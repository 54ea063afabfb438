/*
 * test_decode.c - the caller's reply decoder: every field is checked
 * against what the caller declares (kind, exact length, NUL within the
 * bound), a short or long reply is refused, and a refused reply never
 * writes past the caller's buffers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "state.h"
#include "wire.h"

/* Build a reply from fields into buf; returns its length. */
static size_t reply(unsigned char *buf, const struct fr__field *f, unsigned n)
{
    struct fr_wire_enc e = { 0, 0 };
    return fr__wire_fill(f, n, &e, buf, 4096);
}

static void start(struct fr_call *c, const unsigned char *buf, size_t len)
{
    fr_call_begin(c, 0);
    c->peer = -1;             /* no FMP to stop in a unit test */
    c->rp = buf;
    c->rend = buf + len;
}

static void test_good_reply(void **state)
{
    unsigned char buf[4096];
    int ret = 42, got = 0;
    char data[16] = "0123456789abcde", out[16], *s = NULL;
    struct fr__field f[] = {
        { &ret, sizeof ret, FR_W_SCALAR, -1 },
        { data, sizeof data, FR_W_BUF, -1 },
        { "hi", 3, FR_W_STRING, -1 },
        { NULL, 0, FR_W_NULLPTR, -1 },
    };
    struct fr_call c;
    (void)state;
    start(&c, buf, reply(buf, f, 4));
    fr_get_scalar(&c, &got, sizeof got);
    fr_get_buf(&c, out, sizeof out);
    fr_get_string(&c, &s, 64);
    fr_get_buf(&c, NULL, 0);
    assert_int_equal(fr_call_end(&c), 0);
    assert_int_equal(got, 42);
    assert_memory_equal(out, data, sizeof out);
    assert_string_equal(s, "hi");
    free(s);
}

static void test_longer_buffer_refused(void **state)
{
    unsigned char buf[4096];
    char data[32], out[16 + 16];
    struct fr__field f[] = { { data, sizeof data, FR_W_BUF, -1 } };
    struct fr_call c;
    (void)state;
    memset(data, 'x', sizeof data);
    memset(out, 0, sizeof out);
    start(&c, buf, reply(buf, f, 1));
    fr_get_buf(&c, out, 16);  /* declared 16, the callee sent 32 */
    assert_int_equal(fr_call_end(&c), -EPROTO);
    for (size_t i = 0; i < sizeof out; i++)
        assert_int_equal(out[i], 0);   /* nothing written at all */
}

static void test_shorter_buffer_refused(void **state)
{
    unsigned char buf[4096];
    char data[8] = "1234567", out[16];
    struct fr__field f[] = { { data, sizeof data, FR_W_BUF, -1 } };
    struct fr_call c;
    (void)state;
    start(&c, buf, reply(buf, f, 1));
    fr_get_buf(&c, out, sizeof out);
    assert_int_equal(fr_call_end(&c), -EPROTO);
}

static void test_wrong_kind_refused(void **state)
{
    unsigned char buf[4096];
    int v = 1, got = 0;
    struct fr__field f[] = { { &v, sizeof v, FR_W_BUF, -1 } };
    struct fr_call c;
    (void)state;
    start(&c, buf, reply(buf, f, 1));
    fr_get_scalar(&c, &got, sizeof got);
    assert_int_equal(fr_call_end(&c), -EPROTO);
    assert_int_equal(got, 0);
}

static void test_scalar_size_refused(void **state)
{
    unsigned char buf[4096];
    long v = 1;
    int got = 0;
    struct fr__field f[] = { { &v, sizeof v, FR_W_SCALAR, -1 } };
    struct fr_call c;
    (void)state;
    start(&c, buf, reply(buf, f, 1));
    fr_get_scalar(&c, &got, sizeof got);
    assert_int_equal(fr_call_end(&c), -EPROTO);
}

static void test_missing_field_refused(void **state)
{
    unsigned char buf[4096];
    int v = 1, a = 0, b = 0;
    struct fr__field f[] = { { &v, sizeof v, FR_W_SCALAR, -1 } };
    struct fr_call c;
    (void)state;
    start(&c, buf, reply(buf, f, 1));
    fr_get_scalar(&c, &a, sizeof a);
    fr_get_scalar(&c, &b, sizeof b);
    assert_int_equal(fr_call_end(&c), -EPROTO);
    assert_int_equal(b, 0);
}

static void test_extra_field_refused(void **state)
{
    unsigned char buf[4096];
    int v = 1, a = 0;
    struct fr__field f[] = { { &v, sizeof v, FR_W_SCALAR, -1 }, { &v, sizeof v, FR_W_SCALAR, -1 } };
    struct fr_call c;
    (void)state;
    start(&c, buf, reply(buf, f, 2));
    fr_get_scalar(&c, &a, sizeof a);
    assert_int_equal(fr_call_end(&c), -EPROTO);
}

static void test_string_checks(void **state)
{
    unsigned char buf[4096];
    char nonul[4] = { 'a', 'b', 'c', 'd' }, *s = (char *)1;
    struct fr__field f1[] = { { nonul, sizeof nonul, FR_W_STRING, -1 } };
    struct fr__field f2[] = { { "a long string", 14, FR_W_STRING, -1 } };
    struct fr_call c;
    (void)state;
    start(&c, buf, reply(buf, f1, 1));
    fr_get_string(&c, &s, 64);
    assert_int_equal(fr_call_end(&c), -EPROTO);
    assert_null(s);
    start(&c, buf, reply(buf, f2, 1));
    fr_get_string(&c, &s, 8);     /* longer than the caller's bound */
    assert_int_equal(fr_call_end(&c), -EPROTO);
    assert_null(s);
}

static void test_truncated_reply_refused(void **state)
{
    unsigned char buf[4096];
    char data[64];
    struct fr__field f[] = { { data, sizeof data, FR_W_BUF, -1 } };
    size_t n;
    (void)state;
    memset(data, 1, sizeof data);
    n = reply(buf, f, 1);
    for (size_t cut = 0; cut < n; cut++) {
        struct fr_call c;
        char out[64];
        start(&c, buf, cut);
        fr_get_buf(&c, out, sizeof out);
        assert_int_equal(fr_call_end(&c), -EPROTO);
    }
}

static void test_length_overflow_refused(void **state)
{
    unsigned char buf[64];
    struct fr_wire_hdr h = { FR_W_BUF, 0, UINT64_MAX - 3 };
    struct fr_call c;
    char out[8];
    (void)state;
    memset(buf, 0, sizeof buf);
    memcpy(buf, &h, sizeof h);
    start(&c, buf, sizeof buf);
    fr_get_buf(&c, out, sizeof out);
    assert_int_equal(fr_call_end(&c), -EPROTO);
}

/* Every size generated code computes from a count: a count below zero is
 * no elements, a product that does not fit a size_t is refused, whatever
 * the count's type. */
static void test_bytes(void **state)
{
    size_t b = 1;
    signed char sc = -128;
    long neg = -1;
    unsigned u = 7;

    (void)state;
    assert_int_equal(FR_BYTES(3, 4, &b), 0);
    assert_int_equal(b, 12);
    assert_int_equal(FR_BYTES(-5, 4, &b), 0);
    assert_int_equal(b, 0);
    assert_int_equal(FR_BYTES(sc, 8, &b), 0);
    assert_int_equal(b, 0);
    assert_int_equal(FR_BYTES(neg, 1, &b), 0);
    assert_int_equal(b, 0);
    assert_int_equal(FR_BYTES(u, 2, &b), 0);
    assert_int_equal(b, 14);
    /* 329406144173384851 structs of 56 bytes wrap to 40 */
    assert_int_not_equal(FR_BYTES((size_t)329406144173384851u, 56, &b), 0);
    assert_int_not_equal(FR_BYTES(SIZE_MAX / 40 + 2, 40, &b), 0);
    assert_int_equal(FR_BYTES(SIZE_MAX, 1, &b), 0);
    assert_int_equal(b, SIZE_MAX);
    assert_int_equal(FR_BYTES(SIZE_MAX, 0, &b), 0);
    assert_int_equal(b, 0);
}

static void test_overlap(void **state)
{
    char a[8] = {0};

    (void)state;
    assert_true(fr_overlap(a, 4, a + 3, 4));
    assert_true(fr_overlap(a + 3, 4, a, 4));
    assert_true(fr_overlap(a, 8, a + 2, 1));
    assert_false(fr_overlap(a, 4, a + 4, 4));
    assert_false(fr_overlap(a, 0, a, 4));
    assert_false(fr_overlap(NULL, 4, a, 4));
}

/* A refusal is the caller's: sticky, EINVAL, nothing to decode. */
static void test_refuse(void **state)
{
    struct fr_call c;

    (void)state;
    fr_call_begin(&c, 0);
    fr_call_refuse(&c, "first");
    fr_call_refuse(&c, "second");
    assert_string_equal(c.why, "first");
    assert_int_equal(fr_call_end(&c), -EINVAL);
}

/* String arrays go as their count, then one string or NULL per element;
 * the reader takes them as well-formed fields. */
static void test_strings_request(void **state)
{
    const char *v[] = {"ab", NULL, "c", NULL};
    unsigned char buf[4096];
    struct fr_wire_enc e = { 0, 0 };
    struct fr_wire_reader rd;
    struct fr_wire_field f;
    struct fr_call c;
    size_t len;

    (void)state;
    fr_call_begin(&c, 0);
    fr_put_strv(&c, v);                 /* up to the first NULL: one string */
    fr_put_strings(&c, v, 3);           /* three, the second NULL */
    fr_put_strings(&c, NULL, 3);        /* a NULL array */
    assert_int_equal(c.nfields, 2 + 4 + 1);
    len = fr__wire_fill(c.fields, c.nfields, &e, buf, sizeof buf);
    assert_int_equal(fr__wire_check(buf, buf + len), 0);
    rd = (struct fr_wire_reader){ buf, buf + len };
    assert_int_equal(fr__wire_next(&rd, &f), 0);
    assert_int_equal(f.kind, FR_W_STRV);
    assert_int_equal(f.len, 1);
    assert_int_equal(fr__wire_next(&rd, &f), 0);
    assert_int_equal(f.kind, FR_W_STRING);
    assert_string_equal((const char *)f.data, "ab");
    assert_int_equal(fr__wire_next(&rd, &f), 0);
    assert_int_equal(f.kind, FR_W_STRV);
    assert_int_equal(f.len, 3);
    assert_int_equal(fr__wire_next(&rd, &f), 0);
    assert_int_equal(fr__wire_next(&rd, &f), 0);
    assert_int_equal(f.kind, FR_W_NULLPTR);
    assert_int_equal(fr__wire_next(&rd, &f), 0);
    assert_int_equal(fr__wire_next(&rd, &f), 0);
    assert_int_equal(f.kind, FR_W_NULLPTR);
    assert_true(rd.p == rd.end);
    assert_int_equal(fr_call_end(&c), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_reply),
        cmocka_unit_test(test_longer_buffer_refused),
        cmocka_unit_test(test_shorter_buffer_refused),
        cmocka_unit_test(test_wrong_kind_refused),
        cmocka_unit_test(test_scalar_size_refused),
        cmocka_unit_test(test_missing_field_refused),
        cmocka_unit_test(test_extra_field_refused),
        cmocka_unit_test(test_string_checks),
        cmocka_unit_test(test_truncated_reply_refused),
        cmocka_unit_test(test_length_overflow_refused),
        cmocka_unit_test(test_bytes),
        cmocka_unit_test(test_overlap),
        cmocka_unit_test(test_refuse),
        cmocka_unit_test(test_strings_request),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
