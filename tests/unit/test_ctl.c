/*
 * test_ctl.c - datagrams of the control protocol (ctl.c): a payload larger
 * than a datagram, with more descriptors than one may carry, arrives in
 * order and whole; a message without a payload is one datagram; what is
 * not a message of ours (too short, descriptors cut off) is taken as
 * nothing and leaks no descriptor; a peer that hung up is told.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctl.h"

static int sv[2];

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    assert_non_null(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static int setup(void **state)
{
    (void)state;
    return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv);
}

static int teardown(void **state)
{
    (void)state;
    close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    return 0;
}

struct sending {
    const unsigned char *data;
    size_t len;
    const int *fds;
    unsigned nfds;
    int rc;
};

static void *sender(void *arg)
{
    struct sending *s = arg;

    s->rc = fr__ctl_send(sv[0], FR_CTL_FAULT, 3, s->data, s->len, s->fds, s->nfds);
    return NULL;
}

static void test_payload_in_datagrams(void **state)
{
    enum { LEN = 5 * 16384 + 1000, NFDS = 2 * FR_CTL_MAXFDS + 3 };
    static unsigned char data[LEN], got[LEN];
    static struct fr_ctl_in in;
    int p[2], fds[NFDS], before, nfds = 0, datagrams = 0;
    struct stat want, st;
    size_t len = 0;
    pthread_t t;

    (void)state;
    for (size_t i = 0; i < LEN; i++)
        data[i] = (unsigned char)(i * 7 + i / 251);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(fstat(p[0], &want), 0);
    for (int i = 0; i < NFDS; i++)
        assert_true((fds[i] = dup(p[0])) >= 0);
    before = count_fds();
    struct sending s = { data, LEN, fds, NFDS, -1 };
    /* the payload is more than the socket holds at once: a reader is needed */
    assert_int_equal(pthread_create(&t, NULL, sender, &s), 0);
    for (;;) {
        ssize_t n = fr__ctl_recv(sv[1], 0, &in);
        assert_true(n > 0);
        assert_int_equal(in.m.type, FR_CTL_FAULT);
        assert_int_equal(in.m.fmp, 3);
        /* its bytes are what the datagram holds past its header */
        assert_int_equal((size_t)n, sizeof in.m + in.len);
        assert_true(in.len <= FR_CTL_CHUNK && in.nfds <= FR_CTL_MAXFDS);
        assert_true(len + in.len <= LEN);
        memcpy(got + len, in.data, in.len);
        len += in.len;
        for (unsigned i = 0; i < in.nfds; i++) {
            /* each a descriptor of the very pipe, in a new slot here */
            assert_int_equal(fstat(in.fds[i], &st), 0);
            assert_true(st.st_ino == want.st_ino && st.st_dev == want.st_dev);
            nfds++;
        }
        fr__ctl_drop_fds(&in);
        assert_int_equal(in.nfds, 0);
        datagrams++;
        if (!in.m.gen)
            break;
    }
    pthread_join(t, NULL);
    assert_int_equal(s.rc, 0);
    assert_int_equal(len, LEN);
    assert_memory_equal(got, data, LEN);
    assert_int_equal(nfds, NFDS);
    assert_int_equal(datagrams, LEN / FR_CTL_CHUNK + 1);
    assert_int_equal(count_fds(), before);   /* every one received was closed */
    for (int i = 0; i < NFDS; i++)
        close(fds[i]);
    close(p[0]);
    close(p[1]);
}

static void test_no_payload(void **state)
{
    static struct fr_ctl_in in;

    (void)state;
    assert_int_equal(fr__ctl_send(sv[0], FR_CTL_READY, 5, NULL, 0, NULL, 0), 0);
    assert_int_equal(fr__ctl_recv(sv[1], MSG_DONTWAIT, &in), sizeof(struct fr_ctl_msg));
    assert_int_equal(in.m.type, FR_CTL_READY);
    assert_int_equal(in.m.gen, 0);
    assert_int_equal(in.len, 0);
    assert_int_equal(in.nfds, 0);
    assert_int_equal(fr__ctl_recv(sv[1], MSG_DONTWAIT, &in), -EAGAIN);
}

static void test_not_ours_is_nothing(void **state)
{
    static struct fr_ctl_in in;
    union {
        char buf[CMSG_SPACE(sizeof(int) * (FR_CTL_MAXFDS + 4))];
        struct cmsghdr align;
    } u;
    struct fr_ctl_msg m = { FR_CTL_FAULT, 1, 0 };
    struct iovec iov = { &m, sizeof m };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                         .msg_controllen = sizeof u.buf };
    int fds[FR_CTL_MAXFDS + 4], before = count_fds();

    (void)state;
    /* shorter than a header */
    assert_int_equal(send(sv[0], "abc", 3, 0), 3);
    assert_int_equal(fr__ctl_recv(sv[1], MSG_DONTWAIT, &in), 3);
    assert_int_equal(in.m.type, 0);
    /* more descriptors than a datagram of ours carries: cut off, dropped */
    for (int i = 0; i < FR_CTL_MAXFDS + 4; i++)
        fds[i] = STDERR_FILENO;
    memset(&u, 0, sizeof u);
    struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof fds);
    memcpy(CMSG_DATA(cm), fds, sizeof fds);
    assert_int_equal(sendmsg(sv[0], &mh, 0), sizeof m);
    assert_int_equal(fr__ctl_recv(sv[1], MSG_DONTWAIT, &in), sizeof m);
    assert_int_equal(in.m.type, 0);
    assert_int_equal(in.nfds, 0);
    assert_int_equal(count_fds(), before);
}

static void test_hang_up(void **state)
{
    static struct fr_ctl_in in;

    (void)state;
    assert_int_equal(fr__ctl_send(sv[0], FR_CTL_RECYCLE, 2, NULL, 0, NULL, 0), 0);
    close(sv[0]);
    sv[0] = -1;
    /* what was sent before the hang-up is still read, then the hang-up */
    assert_true(fr__ctl_recv(sv[1], MSG_DONTWAIT, &in) > 0);
    assert_int_equal(in.m.type, FR_CTL_RECYCLE);
    assert_int_equal(fr__ctl_recv(sv[1], MSG_DONTWAIT, &in), 0);
    assert_int_equal(fr__ctl_send(sv[1], FR_CTL_EXIT, 2, "x", 1, NULL, 0), -EPIPE);
    sv[0] = dup(sv[1]);       /* for the teardown */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_payload_in_datagrams, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_payload, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_ours_is_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hang_up, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
