/*
 * test_trace.c - the CPU a trace charges each module (trace.c): a stretch
 * of a thread's time goes to the module whose code ran it, and a nested
 * call's time to the module called, not to its caller (partition/README.md:
 * "nested calls out of it excluded").  Real clocks, real burning loops:
 * the bounds are wide (a tenth of the burn either way would still pass),
 * as the machine may preempt the thread at any time.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fake_app.h"
#include "state.h"
#include "trace.h"

enum { MAIN, PARSER, LEXER };

/* Where the burning loops put their sums, so that none is optimised away. */
static volatile unsigned sink;

/* Spin on the CPU for @ms of this thread's CPU time. */
static void burn_ms(int ms)
{
    struct timespec a, b;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
    do {
        for (int i = 0; i < 10000; i++)
            sink += (unsigned)i;
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
    } while ((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec) < ms * 1000000LL);
}

/* Many short stretches of one module inside another's long one: the
 * monotonic clock's path (under FR_TRACE_SHORT_NS each). */
static void short_calls(int n)
{
    for (int i = 0; i < n; i++) {
        int back = fr__trace_switch(LEXER);
        for (int k = 0; k < 2000; k++)
            sink += (unsigned)k;
        fr__trace_switch(back);
    }
}

static void test_nested_excluded(void **state)
{
    uint64_t cpu[5] = { 0 };
    (void)state;

    fr__rt.app = &fake_app;
    assert_int_equal(fr__trace_setup(1), 0);
    fr__trace_enable(1);
    fr__trace_thread_begin(MAIN);
    burn_ms(40);                              /* main: 40 */
    int back = fr__trace_switch(PARSER);      /* main calls parser */
    assert_int_equal(back, MAIN);
    burn_ms(20);                              /* parser: 20 */
    int back2 = fr__trace_switch(LEXER);      /* parser calls lexer */
    assert_int_equal(back2, PARSER);
    burn_ms(200);                             /* lexer: 200, not parser's */
    fr__trace_switch(back2);
    burn_ms(20);                              /* parser: 40 in all */
    fr__trace_switch(back);
    short_calls(20000);                       /* lexer, in short stretches */
    fr__trace_switch(FR_TRACE_NONE);          /* the runtime's own: nobody's */
    burn_ms(50);
    fr__trace_switch(MAIN);
    fr__trace_flush_threads();
    fr__trace_add_cpu(0, cpu);

    printf("main %.1f ms, parser %.1f ms, lexer %.1f ms\n", cpu[MAIN] / 1e6, cpu[PARSER] / 1e6,
           cpu[LEXER] / 1e6);
    /* parser burnt 40 ms itself: its callee's 200 ms are not in it */
    assert_true(cpu[PARSER] >= 36000000 && cpu[PARSER] < 120000000);
    assert_true(cpu[LEXER] >= 190000000);
    /* main 40 ms and its short calls' gaps; the runtime's 50 ms is nobody's */
    assert_true(cpu[MAIN] >= 36000000 && cpu[MAIN] < 85000000);
    assert_int_equal(cpu[3] + cpu[4], 0);
    fr__trace_enable(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nested_excluded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
