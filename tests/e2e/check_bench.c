/*
 * check_bench.c - run `fracture bench --quick --json` and check the shape
 * DESIGN.md promises: one JSON object whose "results" hold at least the
 * named figures, each with a positive median and p99 and a run count.
 * (No timing is asserted: these machines are noisy.)  Then that the run
 * left nothing: no process (the iceoryx peer's RouDi above all, which
 * lives in a PID namespace of its own, so it is looked for by name), no
 * new /dev/shm entry, none of RouDi's files in /tmp.
 *
 *   check_bench FRACTURE            the shape
 *   check_bench FRACTURE killed     SIGKILL `fracture bench` while it measures:
 *                                   its measuring run and FMPs end with it
 *   check_bench FRACTURE killed-roudi   the same while the iceoryx peer runs:
 *                                   RouDi and its segments go too
 *   check_bench FRACTURE lean       the measuring run's FMPs map the runtime's
 *                                   libraries and no other (bench.c says why)
 *
 * The bench makes its directories under $TMPDIR: each run here points it at
 * a directory of its own, and removes it at the end, since a killed bench
 * cannot remove its own (a graceful run must have left it empty).
 */
#include <dirent.h>
#include <ftw.h>
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

/* ---- what a run may leave behind ---- */

#define MAX_SEEN 256

struct seen {
    int n;
    char name[MAX_SEEN][256];
};

/* The entries of @dir, or with @comm the pids of processes named so. */
static void snapshot(struct seen *s, const char *dir, const char *comm)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    s->n = 0;
    if (!d)
        FAIL("opendir %s: %s", dir, strerror(errno));
    while ((e = readdir(d)) && s->n < MAX_SEEN) {
        if (e->d_name[0] == '.')
            continue;
        if (comm) {
            char path[300], buf[64] = "";
            FILE *f;
            snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
            if (!(f = fopen(path, "r")))
                continue;   /* not a process, or gone */
            if (!fgets(buf, sizeof buf, f))
                buf[0] = '\0';
            fclose(f);
            buf[strcspn(buf, "\n")] = '\0';
            if (strcmp(buf, comm) != 0)
                continue;
        }
        snprintf(s->name[s->n++], sizeof s->name[0], "%s", e->d_name);
    }
    closedir(d);
}

static int had(const struct seen *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->name[i], name) == 0)
            return 1;
    return 0;
}

/* Fails the test with what is new in @after. */
static void expect_nothing_new(const struct seen *before, const struct seen *after,
                               const char *what)
{
    for (int i = 0; i < after->n; i++)
        if (!had(before, after->name[i]))
            FAIL("fracture bench left %s %s behind", what, after->name[i]);
}

static void expect_no_roudi_files(void)
{
    static const char *const files[] = { "/tmp/roudi", "/tmp/iox-unique-roudi.lock",
                                         "/tmp/fracture-bench-roudi.toml" };

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        if (access(files[i], F_OK) == 0)
            FAIL("%s is there after fracture bench (RouDi's private /tmp leaked)", files[i]);
}

/* `fracture bench --quick --json` to /dev/null, in a child. */
static pid_t start_bench(const char *fracture)
{
    pid_t pid = fork();

    if (pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execl(fracture, fracture, "bench", "--quick", "--json", (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* The bench re-runs itself to measure (the inner run, the root of the
 * FMPs): killed, the outer one must take the inner one along. */
/* Libraries a fracture-bench FMP may map: libc's, the runtime's three,
 * and a sanitizer build's runtimes. */
static int allowed_lib(const char *base)
{
    static const char *const ok[] = {
        "libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "ld-linux",
        "libtalloc.so", "libyaml-0.so", "libseccomp.so",
        "libasan.so", "libubsan.so", "libstdc++.so", "libgcc_s.so",
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strncmp(base, ok[i], strlen(ok[i])) == 0)
            return 1;
    return 0;
}

/* Every FMP of the measuring run @inner that runs fracture-bench (not a
 * Valgrind instance) maps only allowed libraries; how many were looked at. */
static int check_lean(pid_t inner)
{
    pid_t fmps[32];
    int n = children_pids(inner, fmps, 32), looked = 0;
    char path[64], exe[4096], line[4600];

    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/proc/%d/exe", (int)fmps[i]);
        ssize_t len = readlink(path, exe, sizeof exe - 1);
        if (len <= 0)
            continue;
        exe[len] = '\0';
        const char *b = strrchr(exe, '/');
        if (strcmp(b ? b + 1 : exe, "fracture-bench") != 0)
            continue;
        snprintf(path, sizeof path, "/proc/%d/maps", (int)fmps[i]);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        looked++;
        while (fgets(line, sizeof line, f)) {
            char *file = strchr(line, '/');
            if (!file || !strstr(file, ".so"))
                continue;
            file[strcspn(file, "\n")] = '\0';
            const char *base = strrchr(file, '/') + 1;
            if (!allowed_lib(base)) {
                fclose(f);
                kill(inner, SIGKILL);
                FAIL("FMP pid %d of the measuring run maps %s: the bench's FMPs must map "
                     "the runtime's libraries only", (int)fmps[i], file);
            }
        }
        fclose(f);
    }
    return looked;
}

static int killed(const char *fracture, int lean)
{
    struct timespec tick = { 0, 50 * 1000 * 1000 };
    pid_t outer, inner[8];
    int n = 0, status;

    prctl(PR_SET_CHILD_SUBREAPER, 1);   /* orphans come here, to be seen */
    outer = start_bench(fracture);
    /* wait until the inner run has started its FMPs */
    for (int i = 0; i < 200 && !n; i++) {
        nanosleep(&tick, NULL);
        if (children_pids(outer, inner, 8) == 1 && children_of(inner[0]) > 0)
            n = 1;
    }
    if (!n)
        FAIL("fracture bench started no FMP within 10 s");
    if (lean) {
        int looked = 0;
        /* the far FMP and the others come up one after another */
        for (int i = 0; i < 100 && looked < 3; i++) {
            nanosleep(&tick, NULL);
            looked = check_lean(inner[0]);
        }
        if (looked < 3)
            FAIL("only %d FMPs of the measuring run run fracture-bench", looked);
        printf("lean: %d FMPs map libc and the runtime's libraries only\n", looked);
    }
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

/* The iceoryx peer runs RouDi in namespaces that must end with the bench. */
static int killed_roudi(const char *fracture)
{
    struct timespec tick = { 0, 10 * 1000 * 1000 };
    struct seen shm0, shm1, roudi0, roudi1;
    pid_t outer;
    int status, up = 0;

    snapshot(&shm0, "/dev/shm", NULL);
    snapshot(&roudi0, "/proc", "iox-roudi");
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    outer = start_bench(fracture);
    /* the peers come after the cross-FMP figures: seconds, more when loaded */
    for (int i = 0; i < 12000 && !up; i++) {
        nanosleep(&tick, NULL);
        snapshot(&roudi1, "/proc", "iox-roudi");
        for (int k = 0; k < roudi1.n && !up; k++)
            up = !had(&roudi0, roudi1.name[k]);
        if (waitpid(outer, &status, WNOHANG) == outer)
            FAIL("fracture bench ended before its iceoryx peer started RouDi");
    }
    if (!up) {
        kill(outer, SIGKILL);
        FAIL("fracture bench started no RouDi within 120 s");
    }
    kill(outer, SIGKILL);
    if (waitpid(outer, &status, 0) != outer || !WIFSIGNALED(status))
        FAIL("the outer fracture bench was not killed");
    for (int i = 0;; i++) {
        snapshot(&roudi1, "/proc", "iox-roudi");
        int left = 0;
        for (int k = 0; k < roudi1.n; k++)
            left += !had(&roudi0, roudi1.name[k]);
        if (!left)
            break;
        if (i == 300)
            FAIL("RouDi outlived fracture bench by 3 s");
        nanosleep(&tick, NULL);
    }
    expect_no_orphans(10);
    snapshot(&shm1, "/dev/shm", NULL);
    expect_nothing_new(&shm0, &shm1, "/dev/shm/");
    expect_no_roudi_files();
    printf("killed-roudi: RouDi and its shared memory ended with fracture bench\n");
    return 0;
}

static char tmpdir[] = "/tmp/check-bench-XXXXXX";

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_tmpdir(void)
{
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv)
{
    struct seen shm0, shm1, roudi0, roudi1;
    static const char *const names[] = {
        "direct", "stub_local", "cross_null", "cross_inout_4k", "cross_inout_1m",
        "raw_pingpong", "socketpair", "pipe", "zmq", "iceoryx", "nng", "cross_null_replicate3",
        "restart", "restart_exit", "restart_notice", "stub_local_traced", "cross_fd",
        "stub_local_profiled", "cross_null_profiled",
        /* only where Valgrind runs (not in sanitized builds): optional */
        "cross_null_sample_1pct_memcheck", "cross_null_sample_5pct_memcheck",
    };
    const size_t required = 19;
    char cmd[4096];
    json_error_t err;
    FILE *p;
    json_t *root, *results;

    if (!mkdtemp(tmpdir))
        return fprintf(stderr, "FAIL: mkdtemp: %s\n", strerror(errno)), 1;
    setenv("TMPDIR", tmpdir, 1);
    atexit(rm_tmpdir);
    if (argc == 3 && strcmp(argv[2], "killed") == 0)
        return killed(argv[1], 0);
    if (argc == 3 && strcmp(argv[2], "lean") == 0)
        return killed(argv[1], 1);
    if (argc == 3 && strcmp(argv[2], "killed-roudi") == 0)
        return killed_roudi(argv[1]);
    if (argc != 2)
        return fprintf(stderr, "usage: check_bench FRACTURE [killed|killed-roudi]\n"), 2;
    snprintf(cmd, sizeof cmd, "%s bench --quick --json", argv[1]);
    /* Before any RouDi could start: one already there (not ours) is no leftover. */
    snapshot(&shm0, "/dev/shm", NULL);
    snapshot(&roudi0, "/proc", "iox-roudi");
    prctl(PR_SET_CHILD_SUBREAPER, 1);   /* orphans come here, to be seen */
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
    /* the call's own work: cross_null's median less raw_pingpong's */
    json_t *figs = json_object_get(root, "figures"), *rr;
    double cross = 0, raw = 0, work = json_number_value(json_object_get(figs, "cross_null_work_ns"));
    size_t k;
    json_array_foreach(results, k, rr) {
        const char *nm = json_string_value(json_object_get(rr, "name"));
        if (nm && strcmp(nm, "cross_null") == 0)
            cross = json_number_value(json_object_get(rr, "median_ns"));
        if (nm && strcmp(nm, "raw_pingpong") == 0)
            raw = json_number_value(json_object_get(rr, "median_ns"));
    }
    if (!json_is_number(json_object_get(figs, "cross_null_work_ns")) ||
        work < cross - raw - 0.2 || work > cross - raw + 0.2)
        return fprintf(stderr, "FAIL: cross_null_work_ns %g, not cross_null %g - raw_pingpong %g\n",
                       work, cross, raw), 1;
    printf("cross_null_work_ns %.1f\n", work);
    json_decref(root);
    expect_no_orphans(10);
    snapshot(&roudi1, "/proc", "iox-roudi");
    expect_nothing_new(&roudi0, &roudi1, "an iox-roudi, pid");
    snapshot(&shm1, "/dev/shm", NULL);
    expect_nothing_new(&shm0, &shm1, "/dev/shm/");
    expect_no_roudi_files();
    printf("left nothing: no process, no /dev/shm entry, no RouDi file\n");
    return 0;
}
