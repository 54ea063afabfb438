/*
 * test_log.c - the runtime's invariant checks (rt/lib/log.h): a failed
 * FR_ASSERTF names the file, the line, the FMP, the condition and the
 * state, and aborts; FR_DEBUG_ASSERT checks only in a debug build (this
 * file is built twice: test_log, and test_log_debug with FR_DEBUG).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "state.h"

/* Run @fn in a child; its stderr into @buf; its wait status. */
static int in_child(void (*fn)(unsigned), unsigned arg, char *buf, size_t len)
{
    int p[2], status;
    ssize_t n, got = 0;
    pid_t pid;

    assert_int_equal(pipe(p), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        fn(arg);
        _exit(0);
    }
    close(p[1]);
    while ((n = read(p[0], buf + got, len - 1 - (size_t)got)) > 0)
        got += n;
    buf[got] = '\0';
    close(p[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void check_slot(unsigned seq)
{
    FR_ASSERTF(seq == 3, "slot %u seq %u, want 3", 7u, seq);
}

static void check_debug(unsigned v)
{
    FR_DEBUG_ASSERT(v == 0);
}

static void test_assertf_names_the_state(void **state)
{
    char buf[1024];
    int st;

    (void)state;
    st = in_child(check_slot, 3, buf, sizeof buf);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_string_equal(buf, "");
    st = in_child(check_slot, 5, buf, sizeof buf);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    assert_non_null(strstr(buf, "fracture: internal error: "));
    assert_non_null(strstr(buf, "test_log.c:"));
    assert_non_null(strstr(buf, ": FMP root: assertion failed: seq == 3 (slot 7 seq 5, want 3)\n"));
}

static void test_debug_tier(void **state)
{
    char buf[1024];
    int st;

    (void)state;
    st = in_child(check_debug, 1, buf, sizeof buf);
#ifdef FR_DEBUG
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
    assert_non_null(strstr(buf, "assertion failed: v == 0\n"));
#else
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_string_equal(buf, "");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assertf_names_the_state),
        cmocka_unit_test(test_debug_tier),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
