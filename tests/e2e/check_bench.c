/*
 * check_bench.c - run `fracture bench --quick --json` and check the shape
 * DESIGN.md promises: one JSON object whose "results" hold at least the
 * named figures, each with a positive median and p99 and a run count.
 * (No timing is asserted: these machines are noisy.)
 *
 *   check_bench FRACTURE            the shape
 *   check_bench FRACTURE killed     SIGKILL `fracture bench` while it measures:
 *                                   its measuring run and FMPs end with it
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "leftovers.h"

/* The bench re-runs itself to measure (the inner run, the root of the
 * FMPs): killed, the outer one must take the inner one along. */
static int killed(const char *fracture)
{
    struct timespec tick = { 0, 50 * 1000 * 1000 };
    pid_t outer, inner[8];
    int n = 0, status;

    prctl(PR_SET_CHILD_SUBREAPER, 1);   /* orphans come here, to be seen */
    outer = fork();
    if (outer < 0)
        FAIL("fork: %s", strerror(errno));
    if (outer == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execl(fracture, fracture, "bench", "--quick", "--json", (char *)NULL);
        _exit(127);
    }
    /* wait until the inner run has started its FMPs */
    for (int i = 0; i < 200 && !n; i++) {
        nanosleep(&tick, NULL);
        if (children_pids(outer, inner, 8) == 1 && children_of(inner[0]) > 0)
            n = 1;
    }
    if (!n)
        FAIL("fracture bench started no FMP within 10 s");
    kill(outer, SIGKILL);
    if (waitpid(outer, &status, 0) != outer || !WIFSIGNALED(status))
        FAIL("the outer fracture bench was not killed");
    /* the inner run, now this subreaper's child, has seconds of measuring
     * left: it must be gone well before that */
    for (int i = 0;; i++) {
        if (waitpid(inner[0], &status, WNOHANG) == inner[0])
            break;
        if (i == 300) {
            kill(inner[0], SIGKILL);
            FAIL("the measuring run outlived fracture bench by 3 s");
        }
        nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
    }
    expect_no_orphans(10);
    printf("killed: the measuring run and its FMPs ended with fracture bench\n");
    return 0;
}

int main(int argc, char **argv)
{
    static const char *const names[] = {
        "direct", "stub_local", "cross_null", "cross_inout_4k", "cross_inout_1m",
        "raw_pingpong", "socketpair", "pipe", "zmq", "cross_null_replicate3", "restart",
        "restart_exit",
        /* only where Valgrind runs (not in sanitized builds): optional */
        "cross_null_sample_1pct_memcheck", "cross_null_sample_5pct_memcheck",
    };
    const size_t required = 12;
    char cmd[4096];
    json_error_t err;
    FILE *p;
    json_t *root, *results;

    if (argc == 3 && strcmp(argv[2], "killed") == 0)
        return killed(argv[1]);
    if (argc != 2)
        return fprintf(stderr, "usage: check_bench FRACTURE [killed]\n"), 2;
    snprintf(cmd, sizeof cmd, "%s bench --quick --json", argv[1]);
    p = popen(cmd, "r");
    root = p ? json_loadf(p, 0, &err) : NULL;
    if (!p || pclose(p) != 0 || !root)
        return fprintf(stderr, "FAIL: fracture bench --json gave no JSON: %s\n",
                       root ? "" : err.text), 1;
    results = json_object_get(root, "results");
    if (!json_is_array(results))
        return fprintf(stderr, "FAIL: no \"results\" array\n"), 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t k;
        json_t *r;
        int found = 0;
        json_array_foreach(results, k, r) {
            if (strcmp(json_string_value(json_object_get(r, "name")), names[i]) != 0)
                continue;
            double med = json_number_value(json_object_get(r, "median_ns"));
            double p99 = json_number_value(json_object_get(r, "p99_ns"));
            json_int_t runs = json_integer_value(json_object_get(r, "runs"));
            if (!(med > 0) || !(p99 >= med) || runs < 1)
                return fprintf(stderr, "FAIL: %s: median %g p99 %g runs %lld\n", names[i], med,
                               p99, (long long)runs), 1;
            printf("%-16s median %10.1f ns  p99 %10.1f ns\n", names[i], med, p99);
            found = 1;
        }
        if (!found && i < required)
            return fprintf(stderr, "FAIL: no result named %s\n", names[i]), 1;
    }
    json_decref(root);
    return 0;
}
