/*
 * check_sample.c - end-to-end check of the fractured sample app against its
 * plain build, driven by CTest:
 *
 *   check_sample PLAIN FRACTURED [CONFIG]
 *
 * Runs PLAIN (the sources compiled by plain cc) and FRACTURED (the same
 * sources through fracture_add_executable), FRACTURED under CONFIG or with
 * no config at all.  Passes when both exit 0, print the same bytes on
 * stdout, FRACTURED prints nothing on stderr (or, with SAMPLE_EXPECT_STDERR
 * set, something that holds it: a restart), and nothing outlives it: no
 * process (the driver is a child subreaper, so the root's orphans would come
 * here), no memfd region, no descriptor.  Under a config, it also checks
 * that the root really started child FMPs while it ran.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "leftovers.h"
#include "spawn.h"

struct buf {
    char *p;
    size_t len, cap;
};

static void buf_read(struct buf *b, int fd, int *open_)
{
    char tmp[4096];
    ssize_t n = read(fd, tmp, sizeof tmp);

    if (n <= 0) {
        *open_ = 0;
        return;
    }
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        if (!(b->p = realloc(b->p, b->cap)))
            FAIL("out of memory");
    }
    memcpy(b->p + b->len, tmp, (size_t)n);
    b->len += (size_t)n;
    b->p[b->len] = '\0';
}

/* Runs prog to completion: its exit status, stdout and stderr; *kids is the
 * most children it was seen to have. */
static int run(const char *prog, const char *config, struct buf *out, struct buf *err, int *kids)
{
    int pout, perr, status, open_out = 1, open_err = 1;
    pid_t pid = fr_test_start(config, (char *[]){ (char *)prog, NULL }, &pout, &perr);

    *kids = 0;
    while (open_out || open_err) {
        struct pollfd p[2] = { { open_out ? pout : -1, POLLIN, 0 },
                               { open_err ? perr : -1, POLLIN, 0 } };
        int k = children_of(pid);
        if (k > *kids)
            *kids = k;
        if (poll(p, 2, 1) < 0 && errno != EINTR)
            FAIL("poll: %s", strerror(errno));
        if (p[0].revents)
            buf_read(out, pout, &open_out);
        if (p[1].revents)
            buf_read(err, perr, &open_err);
    }
    close(pout);
    close(perr);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            FAIL("waitpid: %s", strerror(errno));
    return status;
}

int main(int argc, char **argv)
{
    struct buf plain_out = { 0 }, plain_err = { 0 }, out = { 0 }, err = { 0 };
    const char *config = argc == 4 ? argv[3] : NULL;
    int st, kids, fds_before;

    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: check_sample PLAIN FRACTURED [CONFIG]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    fds_before = count_fds();

    st = run(argv[1], NULL, &plain_out, &plain_err, &kids);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("plain build failed (status 0x%x): %s", st, plain_err.p ? plain_err.p : "");
    st = run(argv[2], config, &out, &err, &kids);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("fractured build%s%s failed (status 0x%x): %s", config ? " under " : "",
             config ? config : "", st, err.p ? err.p : "");
    if (!plain_out.p || plain_out.len < 100)
        FAIL("suspiciously short plain output: %s", plain_out.p ? plain_out.p : "");
    if (!out.p || out.len != plain_out.len || memcmp(out.p, plain_out.p, out.len) != 0)
        FAIL("output differs from the plain build:\n--- plain\n%s--- fractured\n%s", plain_out.p,
             out.p ? out.p : "");
    const char *want_err = getenv("SAMPLE_EXPECT_STDERR");
    if (want_err ? !err.p || !strstr(err.p, want_err) : err.len != 0)
        FAIL("the fractured build wrote to stderr%s%s:\n%s", want_err ? ", lacking " : "",
             want_err ? want_err : "", err.p ? err.p : "");
    if (config && kids == 0)
        FAIL("under %s the app was never seen with a child FMP", config);
    if (!config && kids != 0)
        FAIL("without a config the app started %d processes", kids);
    expect_no_orphans(3);
    if (own_regions() != 0)
        FAIL("the driver maps a region");
    if (count_fds() != fds_before)
        FAIL("descriptors: %d before, %d after", fds_before, count_fds());
    printf("same output plain and fractured%s%s (%zu bytes), %d child FMPs, nothing left\n",
           config ? " under " : " with no config", config ? config : "", out.len, kids);
    free(plain_out.p);
    free(plain_err.p);
    free(out.p);
    free(err.p);
    return 0;
}
