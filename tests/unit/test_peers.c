/*
 * test_peers.c - the `fracture bench` baselines and measurement helpers.
 * Timings are never asserted (they depend on the machine); what is checked
 * is that every transport really round-trips, that failures on either side
 * come back as errors instead of hangs, and that nothing outlives a call:
 * no child, no descriptor, no temporary directory.
 *
 * Failures are injected by interposing mkdtemp() and prctl(): this
 * executable's definitions win over libc's for peers.c, which is compiled
 * in.  Each child's first act is prctl(PR_SET_PDEATHSIG), which makes it
 * the one hook shared by all the servers (and by the iceoryx peer's
 * helper, its namespace's first process, RouDi and server, in that order).
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "peers.h"

#define TMPL_LEN (sizeof "/tmp/fracture-bench-XXXXXX" - 1)

static pid_t test_pid;
static int inject_child_errno;  /* children fail PR_SET_PDEATHSIG with it */
static int inject_mkdtemp_errno;
static int notify_fd = -1;      /* children say "running"; mkdtemp says where */
static char made[64][TMPL_LEN + 1];
static int nmade;

char *mkdtemp(char *tmpl)
{
    static char *(*real)(char *);
    char *r;

    if (inject_mkdtemp_errno) {
        errno = inject_mkdtemp_errno;
        return NULL;
    }
    if (!real)
        real = (char *(*)(char *))dlsym(RTLD_NEXT, "mkdtemp");
    r = real(tmpl);
    if (r && strlen(r) == TMPL_LEN) {
        if (nmade < 64)
            memcpy(made[nmade++], r, TMPL_LEN + 1);
        if (notify_fd >= 0 && write(notify_fd, r, TMPL_LEN) != (ssize_t)TMPL_LEN)
            abort();
    }
    return r;
}

int prctl(int option, ...)
{
    static int (*real)(int, ...);
    unsigned long a[4];
    va_list ap;
    int rc;

    va_start(ap, option);
    for (int i = 0; i < 4; i++)
        a[i] = va_arg(ap, unsigned long);
    va_end(ap);
    if (option == PR_SET_PDEATHSIG && getpid() != test_pid && inject_child_errno) {
        errno = inject_child_errno;
        return -1;
    }
    if (!real)
        real = (int (*)(int, ...))dlsym(RTLD_NEXT, "prctl");
    rc = real(option, a[0], a[1], a[2], a[3]);
    if (option == PR_SET_PDEATHSIG && notify_fd >= 0 && write(notify_fd, "x", 1) != 1)
        abort();
    return rc;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void assert_no_children(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

static void assert_no_tmp_left(void)
{
    struct stat st;

    for (int i = 0; i < nmade; i++) {
        errno = 0;
        assert_int_not_equal(lstat(made[i], &st), 0);
        assert_int_equal(errno, ENOENT);
    }
}

static const enum fr_peer_kind kinds[] = {
    FR_PEER_RAW_PINGPONG, FR_PEER_SOCKETPAIR, FR_PEER_PIPE, FR_PEER_ZMQ, FR_PEER_ICEORYX,
    FR_PEER_NNG,
};

/* The peers that make a temporary directory (an ipc:// socket in it). */
static int uses_dir(enum fr_peer_kind k)
{
    return k == FR_PEER_ZMQ || k == FR_PEER_NNG;
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(fr__peer_name(FR_PEER_RAW_PINGPONG), "raw_pingpong");
    assert_string_equal(fr__peer_name(FR_PEER_SOCKETPAIR), "socketpair");
    assert_string_equal(fr__peer_name(FR_PEER_PIPE), "pipe");
    assert_string_equal(fr__peer_name(FR_PEER_ZMQ), "zmq");
    assert_string_equal(fr__peer_name(FR_PEER_ICEORYX), "iceoryx");
    assert_string_equal(fr__peer_name(FR_PEER_NNG), "nng");
    assert_null(fr__peer_name((enum fr_peer_kind)42));
}

static void test_bad_args(void **state)
{
    double out[2];

    (void)state;
    assert_int_equal(fr__peer_bench(FR_PEER_PIPE, 0, 10, out), -EINVAL);
    assert_int_equal(fr__peer_bench(FR_PEER_PIPE, 2, 0, out), -EINVAL);
    assert_int_equal(fr__peer_bench(FR_PEER_PIPE, 2, 10, NULL), -EINVAL);
    assert_int_equal(fr__peer_bench(FR_PEER_ICEORYX, 0, 10, out), -EINVAL);
    assert_int_equal(fr__peer_bench((enum fr_peer_kind)42, 2, 10, out), -EINVAL);
    assert_no_children();
}

static void test_bench(void **state)
{
    enum fr_peer_kind k = *(const enum fr_peer_kind *)*state;
    int fds = count_fds(), dirs = 0, p[2];
    char said[4096], *d;
    double out[4];
    ssize_t n;
    struct stat st;

    for (int i = 0; i < 4; i++)
        out[i] = -1;
    /* what mkdtemp says, in whichever process it runs (iceoryx and nng
     * measure in a child) */
    assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
    notify_fd = p[1];
    assert_int_equal(fr__peer_bench(k, 4, 50, out), 0);
    notify_fd = -1;
    close(p[1]);
    n = read(p[0], said, sizeof said - 1);
    close(p[0]);
    said[n > 0 ? n : 0] = '\0';
    for (d = said; (d = strstr(d, "/tmp/fracture-bench-")); d += TMPL_LEN) {
        char dir[TMPL_LEN + 1];
        memcpy(dir, d, TMPL_LEN);
        dir[TMPL_LEN] = '\0';
        errno = 0;
        assert_int_not_equal(lstat(dir, &st), 0);
        assert_int_equal(errno, ENOENT);
        dirs++;
    }
    for (int i = 0; i < 4; i++) {
        assert_true(isfinite(out[i]));
        assert_true(out[i] > 0);
    }
    assert_int_equal(count_fds(), fds);
    assert_no_children();
    assert_int_equal(dirs, uses_dir(k));
    assert_no_tmp_left();
}

/* The server's errno must come back, whichever way its death is noticed. */
static void test_child_fails(void **state)
{
    enum fr_peer_kind k = *(const enum fr_peer_kind *)*state;
    int fds = count_fds();
    double out[2];

    inject_child_errno = ENOTRECOVERABLE;
    assert_int_equal(fr__peer_bench(k, 2, 10, out), -ENOTRECOVERABLE);
    inject_child_errno = 0;
    assert_int_equal(count_fds(), fds);
    assert_no_children();
    assert_no_tmp_left();
}

static void test_mkdtemp_fails(void **state)
{
    int fds = count_fds();
    double out[2];

    (void)state;
    inject_mkdtemp_errno = EROFS;
    assert_int_equal(fr__peer_bench(FR_PEER_ZMQ, 2, 10, out), -EROFS);
    assert_int_equal(fr__peer_bench(FR_PEER_NNG, 2, 10, out), -EROFS);
    inject_mkdtemp_errno = 0;
    assert_int_equal(count_fds(), fds);
    assert_no_children();
}

static void read_all(int fd, void *buf, size_t len)
{
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    size_t done = 0;

    while (done < len) {
        assert_int_equal(poll(&pfd, 1, 60000), 1); /* a hang fails, late */
        ssize_t n = read(fd, (char *)buf + done, len - done);
        assert_true(n > 0);
        done += (size_t)n;
    }
}

/*
 * Kill the process running the benchmark while its server is busy: the
 * server must go too, not spin or block forever.  Subreaper status brings the orphan back to us.
 */
static void test_parent_dies(void **state)
{
    enum fr_peer_kind k = *(const enum fr_peer_kind *)*state;
    char dir[TMPL_LEN + 1] = "", path[TMPL_LEN + 8], x[4];
    int p[2], st, got = 0;
    pid_t mid, w;

    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL), 0);
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    mid = fork();
    assert_true(mid >= 0);
    if (mid == 0) {
        double out[1];
        close(p[0]);
        notify_fd = p[1];
        _exit(fr__peer_bench(k, 1, UINT_MAX, out) == 0 ? 0 : 1);
    }
    close(p[1]);
    /* iceoryx, ZeroMQ and nng measure in a child of the caller: it comes first */
    if (k == FR_PEER_ICEORYX || k == FR_PEER_ZMQ || k == FR_PEER_NNG)
        read_all(p[0], x, 1);
    if (uses_dir(k))
        read_all(p[0], dir, TMPL_LEN);
    /* iceoryx: then its namespace's pid 1, RouDi and the server, so that
     * RouDi runs when the caller is killed */
    read_all(p[0], x, k == FR_PEER_ICEORYX ? 3 : 1);
    close(p[0]);
    assert_int_equal(kill(mid, SIGKILL), 0);
    assert_int_equal(waitpid(mid, &st, 0), mid);

    /* all of them: iceoryx's helper's child comes too, once its helper is gone */
    for (int i = 0; i < 60000; i++) {
        w = waitpid(-1, &st, WNOHANG);
        if (w < 0 && errno == ECHILD && got)
            break;
        assert_true(w >= 0);
        if (w > 0) {
            got = 1;
            /* An fd server may see EOF and exit before the signal lands. */
            assert_true(WIFEXITED(st) || (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL));
        } else {
            nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
        }
    }
    assert_true(got);
    assert_no_children();
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0UL, 0UL, 0UL, 0UL), 0);
    if (dir[0]) { /* the killed caller could not clean up; that is ours */
        snprintf(path, sizeof path, "%s/sock", dir);
        unlink(path);
        assert_int_equal(rmdir(dir), 0);
    }
}

static int close_to(double a, double b)
{
    double d = a - b;
    return d < 1e-9 && d > -1e-9;
}

static void test_stats(void **state)
{
    double v3[] = { 5, 1, 3 };
    double v4[] = { 4, 1, 3, 2 };
    double v1[] = { 7 };
    double v100[100], v101[101];
    double med, p99;

    (void)state;
    fr__stats(v3, 3, &med, &p99);
    assert_true(close_to(med, 3));
    assert_true(close_to(p99, 4.96)); /* 3 + 0.98 * (5 - 3) */
    assert_true(v3[0] == 1 && v3[1] == 3 && v3[2] == 5);

    fr__stats(v4, 4, &med, &p99);
    assert_true(close_to(med, 2.5));
    assert_true(close_to(p99, 3.97));

    fr__stats(v1, 1, &med, &p99);
    assert_true(close_to(med, 7) && close_to(p99, 7));

    /* 1..100 and 1..101, scrambled */
    for (int i = 0; i < 100; i++)
        v100[i] = (i * 37) % 100 + 1;
    for (int i = 0; i < 101; i++)
        v101[i] = (i * 37) % 101 + 1;
    fr__stats(v100, 100, &med, &p99);
    assert_true(close_to(med, 50.5));
    assert_true(close_to(p99, 99.01));
    for (int i = 0; i < 100; i++)
        assert_true(v100[i] == i + 1);
    fr__stats(v101, 101, &med, &p99);
    assert_true(close_to(med, 51));
    assert_true(close_to(p99, 100));

    fr__stats(v1, 0, &med, &p99);
    assert_true(isnan(med) && isnan(p99));
}

static void *burn(void *arg)
{
    struct timespec t0, t;

    (void)arg;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    do
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < 100000000L);
    return NULL;
}

static void test_proc_cpu(void **state)
{
    uint64_t a, b;
    pthread_t th;

    (void)state;
    assert_int_equal(fr__proc_cpu_ns(getpid(), &a), 0);
    /* In another thread: the figure must cover all of them. */
    assert_int_equal(pthread_create(&th, NULL, burn, NULL), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(fr__proc_cpu_ns(getpid(), &b), 0);
    assert_true(b > a);
    assert_int_equal(fr__proc_cpu_ns(INT_MAX, &a), -ENOENT);
    assert_int_equal(fr__proc_cpu_ns(0, &a), -EINVAL);
}

static void test_proc_private(void **state)
{
    const size_t len = 1 << 20;
    uint64_t a, b;
    char *m;

    (void)state;
    assert_int_equal(fr__proc_private_kb(getpid(), &a), 0);
    assert_true(a > 0);
    m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(m != MAP_FAILED);
    memset(m, 1, len);
    assert_int_equal(fr__proc_private_kb(getpid(), &b), 0);
    assert_true(b >= a + 768); /* 1024 KiB dirtied; slack for reclaim */
    munmap(m, len);
    assert_int_equal(fr__proc_private_kb(INT_MAX, &a), -ENOENT);
    assert_int_equal(fr__proc_private_kb(-1, &a), -EINVAL);
}

static void test_resident(void **state)
{
    const size_t ps = (size_t)sysconf(_SC_PAGESIZE);
    const size_t big = 5120; /* pages: more than one mincore() slice */
    uint64_t n;
    char *m;

    (void)state;
    m = mmap(NULL, 16 * ps, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(m != MAP_FAILED);
    assert_int_equal(fr__resident_bytes(m, 16 * ps, &n), 0);
    assert_int_equal(n, 0);
    m[0] = 1;
    m[5 * ps + 7] = 1;
    m[15 * ps] = 1;
    assert_int_equal(fr__resident_bytes(m, 16 * ps, &n), 0);
    assert_int_equal(n, 3 * ps);
    assert_int_equal(fr__resident_bytes(m, 5 * ps + 100, &n), 0);
    assert_int_equal(n, ps + 100);
    assert_int_equal(fr__resident_bytes(m, 0, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(fr__resident_bytes(m + 1, ps, &n), -EINVAL);
    munmap(m, 16 * ps);
    assert_int_equal(fr__resident_bytes(m, 16 * ps, &n), -ENOMEM);

    m = mmap(NULL, big * ps, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    assert_true(m != MAP_FAILED);
    madvise(m, big * ps, MADV_NOHUGEPAGE); /* one page must stay one page */
    m[0] = m[4095 * ps] = m[4096 * ps] = m[(big - 1) * ps] = 1;
    assert_int_equal(fr__resident_bytes(m, big * ps, &n), 0);
    assert_int_equal(n, 4 * ps);
    munmap(m, big * ps);
}

#define PER_KIND(fn)                                                    \
    cmocka_unit_test_prestate(fn, (void *)&kinds[FR_PEER_RAW_PINGPONG]), \
    cmocka_unit_test_prestate(fn, (void *)&kinds[FR_PEER_SOCKETPAIR]),  \
    cmocka_unit_test_prestate(fn, (void *)&kinds[FR_PEER_PIPE]),        \
    cmocka_unit_test_prestate(fn, (void *)&kinds[FR_PEER_ZMQ]),         \
    cmocka_unit_test_prestate(fn, (void *)&kinds[FR_PEER_ICEORYX]),     \
    cmocka_unit_test_prestate(fn, (void *)&kinds[FR_PEER_NNG])

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_bad_args),
        PER_KIND(test_bench),
        PER_KIND(test_child_fails),
        cmocka_unit_test(test_mkdtemp_fails),
        PER_KIND(test_parent_dies),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_proc_cpu),
        cmocka_unit_test(test_proc_private),
        cmocka_unit_test(test_resident),
    };

    test_pid = getpid();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
