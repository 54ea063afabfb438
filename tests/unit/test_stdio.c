/*
 * test_stdio.c - the stdio test made at every call boundary
 * (program.h, fr__stdio_pending): it must see what a stream holds
 * unflushed, byte- or wide-oriented, and nothing once it is flushed or
 * when the stream writes through; a miss here reorders a program's output
 * across FMPs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <wchar.h>

#include <cmocka.h>

#include "program.h"

/* The exact test, checked against the quick one the call path makes
 * first: where bytes wait, the quick one must say so too. */
#define pending(fp) (fr__stdio_pending(fp) ? (assert_true(fr__stdio_maybe_pending(fp)), 1) : 0)

static void test_narrow(void **state)
{
    FILE *fp = tmpfile();

    (void)state;
    assert_non_null(fp);
    assert_false(pending(fp));          /* no buffer yet */
    fputs("x", fp);
    assert_true(pending(fp));
    fflush(fp);
    assert_false(pending(fp));
    fputs("y", fp);
    assert_true(pending(fp));
    fclose(fp);
}

static void test_wide(void **state)
{
    FILE *fp = tmpfile();

    (void)state;
    assert_non_null(fp);
    assert_true(fwide(fp, 1) > 0);
    assert_false(pending(fp));
    fputws(L"x", fp);
    assert_true(pending(fp));
    fflush(fp);
    assert_false(pending(fp));
    fclose(fp);
}

static void test_unbuffered(void **state)
{
    FILE *fp = tmpfile();

    (void)state;
    assert_non_null(fp);
    setvbuf(fp, NULL, _IONBF, 0);
    fputs("x", fp);
    assert_false(pending(fp));
    fclose(fp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_narrow),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_unbuffered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
