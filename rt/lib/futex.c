/*
 * futex.c - futex wake/wait wrappers.  The words live in MAP_SHARED memory
 * mapped by several processes, so FUTEX_PRIVATE_FLAG is never used.
 */
#include "futex.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define FR_HAVE_VALGRIND_H 1
#endif
#endif

#ifndef __NR_futex_waitv
#define __NR_futex_waitv 449
#endif

#define FR_WAITV_MAX 128

static int have_waitv = -1;
static pthread_once_t probe_once = PTHREAD_ONCE_INIT;

int fr__futex_under_valgrind(void)
{
#ifdef FR_HAVE_VALGRIND_H
    return RUNNING_ON_VALGRIND != 0;
#else
    return 0;
#endif
}

static void probe(void)
{
    /* Valgrind 3.19 does not know the syscall and warns on every try. */
    if (fr__futex_under_valgrind()) {
        have_waitv = 0;
        return;
    }
    /* Zero waiters: EINVAL where the syscall exists, ENOSYS where not. */
    long rc = syscall(__NR_futex_waitv, NULL, 0, 0, NULL, CLOCK_MONOTONIC);
    have_waitv = !(rc < 0 && errno == ENOSYS);
}

int fr__futex_have_waitv(void)
{
    pthread_once(&probe_once, probe);
    return have_waitv;
}

void fr__futex_wake(_Atomic uint32_t *word, int n)
{
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, n, NULL, NULL, 0);
}

static void deadline_of(struct timespec *ts, int64_t timeout_ns)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += timeout_ns / 1000000000;
    ts->tv_nsec += timeout_ns % 1000000000;
    if (ts->tv_nsec >= 1000000000) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000;
    }
}

static int wait_one(_Atomic uint32_t *word, uint32_t val, int64_t timeout_ns)
{
    struct timespec rel, *prel = NULL;

    if (timeout_ns >= 0) {
        rel.tv_sec = timeout_ns / 1000000000;
        rel.tv_nsec = timeout_ns % 1000000000;
        prel = &rel;
    }
    if (syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, val, prel, NULL, 0) < 0) {
        if (errno == ETIMEDOUT)
            return -ETIMEDOUT;
        if (errno == EINTR)
            return -EINTR;
    }
    return 0;                 /* woken, or EAGAIN: the value differed */
}

int fr__futex_wait_any(_Atomic uint32_t *const *words, const uint32_t *vals,
                       unsigned n, int64_t timeout_ns)
{
    struct futex_waitv wv[FR_WAITV_MAX];
    struct timespec abs;

    if (n == 1)
        return wait_one(words[0], vals[0], timeout_ns);
    if (!fr__futex_have_waitv() || n > FR_WAITV_MAX) {
        int64_t step = 1000000;
        if (timeout_ns >= 0 && timeout_ns < step)
            step = timeout_ns;
        int rc = wait_one(words[0], vals[0], step);
        /* A short sleep is a spurious wake-up; the caller keeps the deadline. */
        return rc == -ETIMEDOUT && (timeout_ns < 0 || timeout_ns > step) ? 0 : rc;
    }
    for (unsigned i = 0; i < n; i++) {
        wv[i].val = vals[i];
        wv[i].uaddr = (uintptr_t)words[i];
        wv[i].flags = FUTEX_32;
        wv[i].__reserved = 0;
    }
    if (timeout_ns >= 0)
        deadline_of(&abs, timeout_ns);
    long rc = syscall(__NR_futex_waitv, wv, n, 0,
                      timeout_ns >= 0 ? &abs : NULL, CLOCK_MONOTONIC);
    if (rc < 0) {
        if (errno == ETIMEDOUT)
            return -ETIMEDOUT;
        if (errno == EINTR)
            return -EINTR;
    }
    return 0;
}
