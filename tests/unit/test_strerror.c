/*
 * test_strerror.c - fr_strerror and fr_err_transient, through the shared
 * library as a program reaches them (fracture.h, libfracture.map): every
 * code the runtime gives a meaning has its own text, the same for -E and
 * E, that says what fr_err_transient says; ESTALE and the other failures
 * of the call itself are permanent; other codes get strerror's text, and
 * an unknown number a per-thread one.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <fracture/fracture.h>

#include "callee.h"   /* FR_ENOWORKER */

struct code {
    int err;
    int transient;
    const char *says;         /* a word of what it means for a call */
};

static const struct code codes[] = {
    {EPIPE, 1, "gone"},
    {EPROTO, 1, "protocol"},
    {ETIMEDOUT, 1, "call_timeout_ms"},
    {ESTALE, 0, "handle"},
    {EXDEV, 0, "replay"},
    {ECANCELED, 1, "asker"},
    {ENOTCONN, 0, "channel"},
    {FR_ENOWORKER, 1, "thread"},
    {EMSGSIZE, 0, "max_payload_mb"},
    {ENOSYS, 0, "plan"},
    {EINVAL, 0, "refused"},
    {ENOMEM, 1, "memory"},
    {EAGAIN, 1, "busy"},
    {EIO, 1, "gone or busy"},
};
#define NCODES (sizeof codes / sizeof codes[0])

static void test_runtime_codes(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCODES; i++) {
        const char *s = fr_strerror(-codes[i].err);

        assert_non_null(s);
        /* the same static text for -E (a return value) and E (errno) */
        assert_ptr_equal(s, fr_strerror(codes[i].err));
        if (!strstr(s, codes[i].says))
            fail_msg("fr_strerror(-%d) = \"%s\": no \"%s\"", codes[i].err, s, codes[i].says);
        /* not libc's text: EPIPE is no broken pipe here */
        assert_string_not_equal(s, strerror(codes[i].err));
        assert_int_equal(fr_err_transient(-codes[i].err), codes[i].transient);
        assert_int_equal(fr_err_transient(codes[i].err), codes[i].transient);
        /* the text agrees with fr_err_transient */
        if (!strstr(s, codes[i].transient ? "transient" : "permanent"))
            fail_msg("fr_strerror(-%d) = \"%s\" does not say %s", codes[i].err, s,
                     codes[i].transient ? "transient" : "permanent");
        if (strstr(s, codes[i].transient ? "permanent" : "transient"))
            fail_msg("fr_strerror(-%d) = \"%s\" says both", codes[i].err, s);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(s, fr_strerror(codes[j].err));
    }
}

/* DESIGN ("Exactly once across a crash"): ESTALE is the permanent failure
 * a program must tell apart from a transient one. */
static void test_estale_is_permanent(void **state)
{
    (void)state;
    assert_false(fr_err_transient(-ESTALE));
    assert_true(fr_err_transient(-EPIPE));
    assert_non_null(strstr(fr_strerror(-ESTALE), "make a new object"));
}

/* What an FR_ON_FAILURE stub sets errno to: a permanent failure as
 * itself, a transient one as the declared errno; the program's
 * fr_err_transient(errno) then agrees with the runtime's. */
static void test_failure_errno(void **state)
{
    static const int codes[] = {EPIPE, EPROTO, ETIMEDOUT, ESTALE, EXDEV, ECANCELED, ENOTCONN,
                                ENOSR, EMSGSIZE, ENOSYS, EINVAL, ENOMEM, EAGAIN, EIO};
    (void)state;
    assert_int_equal(fr_failure_errno(-EXDEV, EIO), EXDEV);
    assert_int_equal(fr_failure_errno(-ESTALE, EIO), ESTALE);
    assert_int_equal(fr_failure_errno(-EINVAL, EAGAIN), EINVAL);
    assert_int_equal(fr_failure_errno(-EPIPE, EAGAIN), EAGAIN);
    assert_int_equal(fr_failure_errno(-ETIMEDOUT, EIO), EIO);
    for (size_t i = 0; i < sizeof codes / sizeof *codes; i++) {
        int told = fr_failure_errno(-codes[i], EAGAIN);
        assert_int_equal(fr_err_transient(told), fr_err_transient(-codes[i]));
        assert_int_equal(told == EAGAIN, fr_err_transient(-codes[i]));
    }
}

static void test_other_codes(void **state)
{
    (void)state;
    /* strerror's text, in English whatever the locale */
    assert_string_equal(fr_strerror(-ENOENT), "No such file or directory");
    assert_string_equal(fr_strerror(EACCES), "Permission denied");
    /* an E an FR_ON_FAILURE declares means the FMP is gone or busy now */
    assert_true(fr_err_transient(-ENOENT));
    assert_true(fr_err_transient(ECONNRESET));
    /* no error */
    assert_string_equal(fr_strerror(0), "no error");
    assert_false(fr_err_transient(0));
}

static void test_unknown_numbers(void **state)
{
    (void)state;
    assert_string_equal(fr_strerror(-99999), "unknown error 99999");
    assert_string_equal(fr_strerror(99998), "unknown error 99998");
    /* -INT_MIN does not fit an int: no overflow, an unknown number */
    assert_string_equal(fr_strerror(INT_MIN), "unknown error 2147483647");
    assert_string_equal(fr_strerror(INT_MAX), "unknown error 2147483647");
    assert_true(fr_err_transient(INT_MIN));
}

static void *other_thread(void *arg)
{
    (void)arg;
    return (void *)fr_strerror(-88888);
}

/* The per-thread buffer: another thread's unknown number does not change
 * this thread's text. */
static void test_unknown_per_thread(void **state)
{
    pthread_t t;
    void *theirs;
    const char *mine;

    (void)state;
    mine = fr_strerror(-77777);
    assert_int_equal(pthread_create(&t, NULL, other_thread, NULL), 0);
    assert_int_equal(pthread_join(t, &theirs), 0);
    assert_ptr_not_equal(mine, theirs);
    assert_string_equal(mine, "unknown error 77777");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_runtime_codes),
        cmocka_unit_test(test_estale_is_permanent),
        cmocka_unit_test(test_failure_errno),
        cmocka_unit_test(test_other_codes),
        cmocka_unit_test(test_unknown_numbers),
        cmocka_unit_test(test_unknown_per_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
