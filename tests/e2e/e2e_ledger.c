/*
 * e2e_ledger.c - end-to-end checks of the runtime on the ledger program,
 * real processes and real shared memory, driven by CTest:
 *
 *   e2e_ledger compare LEDGER CONFIG [MODE]
 *                                       output under CONFIG == all-in-one output
 *   e2e_ledger maps LEDGER CONFIG FMP FILE
 *                                       FMP, and no other process, maps FILE
 *                                       (a preload agent of its environment)
 *   e2e_ledger solo LEDGER              without a config: one process, one
 *                                       thread, no shared memory
 *   e2e_ledger exit LEDGER CONFIG       the app exits: no child, no memfd left
 *   e2e_ledger kill-root LEDGER CONFIG  SIGKILL the root mid-call: no child,
 *                                       no memfd, no descriptor left
 *   e2e_ledger evil LEDGER CONFIG       a malformed reply fails the call, the
 *                                       callee is stopped, the caller goes on
 *   e2e_ledger soak LEDGER CONFIG N     kill the math FMP N times mid-run: every
 *                                       call answered once and right, the root's
 *                                       descriptors, regions and children stable
 *   e2e_ledger fails LEDGER CONFIG STATUS EXPECT [MODE]
 *                                       the app ends with STATUS and prints
 *                                       EXPECT (a substring) on stderr; with
 *                                       status 1 (a bad config) it printed
 *                                       nothing else: nothing ran
 *   e2e_ledger same LEDGER CONFIG MODE  two runs under CONFIG print the same
 *                                       (sampling: the same choices from the
 *                                       same seed), and several instances served
 *   e2e_ledger vgreport LEDGER CONFIG PREFIX FN
 *                                       in a scratch directory: output as
 *                                       all-in-one, and the Valgrind XML reports
 *                                       PREFIX.*.xml (two at least: recycled
 *                                       instances) show a definite leak in FN
 *
 *   e2e_ledger verdict LEDGER FRACTURE DIR CONFIG...
 *                                       in DIR, each CONFIG through `fracture
 *                                       check` and `fracture run`: both refuse
 *                                       it with the same first message, or
 *                                       both accept it and the run prints what
 *                                       the ledger prints without a config
 *   e2e_ledger status LEDGER CONFIG FMP FIELD WANT
 *                                       FMP's /proc status line FIELD (CapEff,
 *                                       CapBnd, ...) is WANT, or is not the rest
 *                                       of WANT after a leading '!'
 *   e2e_ledger vgdb LEDGER CONFIG       no child FMP (under Valgrind) has a
 *                                       vgdb FIFO in /tmp, which a killed root
 *                                       would leave behind
 *
 * compare, fails, same, verdict and vgreport also check that the run left no
 * process, region or descriptor behind.
 *
 * The driver makes itself a child subreaper, so the orphans of a killed root
 * come to it, and it can tell when they are really gone.
 */
#include <dirent.h>
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "drain.h"
#include "leftovers.h"
#include "spawn.h"

struct proc {
    pid_t pid;
    int in, out, err;         /* our ends of its stdin, stdout, stderr */
};

static struct proc spawn(const char *prog, const char *mode, const char *config)
{
    int pin[2], pout[2], perr[2];
    struct proc p;

    if (pipe(pin) || pipe(pout) || pipe(perr))
        FAIL("pipe: %s", strerror(errno));
    p.pid = fork();
    if (p.pid == 0)
        fr_test_exec(pin[0], pout[1], perr[1], -1, config,
                     (char *[]){ (char *)prog, (char *)mode, NULL });
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);
    p.in = pin[1];
    p.out = pout[0];
    p.err = perr[0];
    return p;
}

static char *slurp(int fd)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    ssize_t n;

    while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
        len += (size_t)n;
        if (cap - len < 2)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    close(fd);
    return buf;
}

static int wait_exit(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            FAIL("waitpid: %s", strerror(errno));
    return status;
}

/*
 * Collect @pid's stdout and stderr (drain.h) into *out and *err (malloc).
 * With @seconds > 0, a run that outlives it is killed and fails the test
 * as @what hung.
 */
static void collect(pid_t pid, int out_fd, int err_fd, int seconds, const char *what, char **out,
                    char **err)
{
    int fds[2] = { out_fd, err_fd };
    char *bufs[2];
    size_t lens[2];

    if (fr_test_drain(fds, bufs, lens, 2, seconds > 0 ? time(NULL) + seconds : 0) < 0) {
        kill(pid, SIGKILL);
        wait_exit(pid);
        FAIL("%s hung (more than %d s)", what, seconds);
    }
    *out = bufs[0];
    *err = bufs[1];
}

/* Run to completion; returns the exit status, stdout and stderr. */
static int run(const char *prog, const char *mode, const char *config, char **out, char **err)
{
    struct proc p = spawn(prog, mode, config);
    close(p.in);
    collect(p.pid, p.out, p.err, 0, prog, out, err);
    return wait_exit(p.pid);
}

/* Read a line from fd (one byte at a time: the rest stays in the pipe). */
static void expect_line(int fd, const char *want)
{
    char line[256];
    size_t n = 0;
    char c;

    while (n < sizeof line - 1 && read(fd, &c, 1) == 1 && c != '\n')
        line[n++] = c;
    line[n] = '\0';
    if (strcmp(line, want) != 0)
        FAIL("expected '%s', read '%s'", want, line);
}

/* How many memfd:fracture regions process pid maps or holds. */
static int regions_of(pid_t pid)
{
    char path[64], line[512];
    int n = 0;
    FILE *f;
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    if ((f = fopen(path, "r"))) {
        while (fgets(line, sizeof line, f))
            n += strstr(line, "/memfd:fracture:") != NULL;
        fclose(f);
    }
    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    if ((d = opendir(path))) {
        while ((e = readdir(d))) {
            char link[600], target[512];
            ssize_t k;
            snprintf(link, sizeof link, "%s/%s", path, e->d_name);
            k = readlink(link, target, sizeof target - 1);
            if (k > 0) {
                target[k] = '\0';
                n += strstr(target, "memfd:fracture:") != NULL;
            }
        }
        closedir(d);
    }
    return n;
}

/* Every region a child maps is named for a pair that includes the child
 * ("memfd:fracture:A-B", the child's comm being "fr:NAME"). */
static int maps_only_own(pid_t pid)
{
    char path[64], comm[64] = "", line[512], want_a[80], want_b[80];
    FILE *f;
    int ok = 1;

    snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
    if (!(f = fopen(path, "r")) || !fgets(comm, sizeof comm, f))
        FAIL("cannot read %s", path);
    fclose(f);
    comm[strcspn(comm, "\n")] = '\0';
    if (strncmp(comm, "fr:", 3) != 0)
        FAIL("child %d is not named fr:NAME but %s", (int)pid, comm);
    snprintf(want_a, sizeof want_a, "memfd:fracture:%s-", comm + 3);
    snprintf(want_b, sizeof want_b, "-%s (deleted)", comm + 3);
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    if (!(f = fopen(path, "r")))
        return 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strstr(line, "memfd:fracture:") && !strstr(line, want_a) && !strstr(line, want_b)) {
            fprintf(stderr, "%s maps %s\n", comm, line);
            ok = 0;
        }
    }
    fclose(f);
    return ok;
}

/* Without a config: a plain process. */
static int cmd_solo(const char *ledger)
{
    pid_t kids[8];
    char path[64];
    DIR *d;
    struct dirent *e;
    int threads = 0;
    struct proc p = spawn(ledger, "pids", NULL);

    expect_line(p.out, "ready");
    snprintf(path, sizeof path, "/proc/%d/task", (int)p.pid);
    if (!(d = opendir(path)))
        FAIL("cannot read %s", path);
    while ((e = readdir(d)))
        threads += e->d_name[0] != '.';
    closedir(d);
    if (threads != 1)
        FAIL("without a config the app has %d threads", threads);
    if (children_pids(p.pid, kids, 8) != 0)
        FAIL("without a config the app started a process");
    if (regions_of(p.pid) != 0)
        FAIL("without a config the app holds shared memory");
    close(p.in);
    if (wait_exit(p.pid) != 0)
        FAIL("the app did not exit cleanly");
    close(p.out);
    close(p.err);
    printf("no config: one process, one thread, no shared memory\n");
    return 0;
}

static int alive(pid_t pid)
{
    char path[64], state = '?';
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "r")))
        return 0;
    if (fscanf(f, "%*d %*s %c", &state) != 1)
        state = '?';
    fclose(f);
    return state != 'Z' && state != 'X';
}

/* Wait up to 5 s for every pid to be gone, reaping what comes to us. */
static void expect_gone(const pid_t *pids, int n)
{
    for (int tries = 0; tries < 500; tries++) {
        int left = 0;
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        for (int i = 0; i < n; i++)
            left += alive(pids[i]);
        if (!left)
            return;
        usleep(10000);
    }
    for (int i = 0; i < n; i++)
        if (alive(pids[i]))
            FAIL("child FMP %d outlived its root", (int)pids[i]);
}

/* Whether process pid maps a file whose path contains @what. */
static int maps_file(pid_t pid, const char *what)
{
    char path[64], line[512];
    FILE *f;
    int found = 0;

    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    if (!(f = fopen(path, "r")))
        return 0;
    while (fgets(line, sizeof line, f))
        found |= strstr(line, what) != NULL;
    fclose(f);
    return found;
}

/* FMP @fmp, and it alone, maps a file named like @what (a preload agent). */
static int cmd_maps(const char *ledger, const char *config, const char *fmp, const char *what)
{
    pid_t kids[64];
    char want[80];
    int n, hits = 0;
    struct proc p = spawn(ledger, "pids", config);

    expect_line(p.out, "ready");
    snprintf(want, sizeof want, "fr:%s", fmp);
    n = children_pids(p.pid, kids, 64);
    if (maps_file(p.pid, what))
        FAIL("the root maps %s", what);
    for (int i = 0; i < n; i++) {
        char path[64], comm[64] = "";
        FILE *f;
        snprintf(path, sizeof path, "/proc/%d/comm", (int)kids[i]);
        if ((f = fopen(path, "r"))) {
            if (!fgets(comm, sizeof comm, f))
                comm[0] = '\0';
            fclose(f);
        }
        comm[strcspn(comm, "\n")] = '\0';
        int has = maps_file(kids[i], what);
        if (has && strcmp(comm, want) != 0)
            FAIL("%s maps %s too", comm, what);
        hits += has;
    }
    close(p.in);
    wait_exit(p.pid);
    expect_gone(kids, n);
    close(p.out);
    close(p.err);
    if (hits != 1)
        FAIL("FMP %s does not map %s", fmp, what);
    printf("only FMP %s runs with %s\n", fmp, what);
    return 0;
}

static int cmd_compare(const char *ledger, const char *config, const char *mode)
{
    char *base_out, *base_err, *out, *err;
    int st, fds_before = count_fds();

    st = run(ledger, mode, NULL, &base_out, &base_err);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("all-in-one run failed (status 0x%x): %s", st, base_err);
    st = run(ledger, mode, config, &out, &err);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("run under %s failed (status 0x%x): %s", config, st, err);
    if (strcmp(base_out, out) != 0)
        FAIL("output under %s differs from all-in-one:\n--- all-in-one\n%s--- split\n%s", config,
             base_out, out);
    /* E2E_EXPECT_STDERR: the run must say this (a restart, say); otherwise
     * it must say nothing. */
    const char *want_err = getenv("E2E_EXPECT_STDERR");
    if (want_err ? !strstr(err, want_err) : err[0] != '\0')
        FAIL("run under %s wrote to stderr%s%s:\n%s", config, want_err ? ", lacking " : "",
             want_err ? want_err : "", err);
    if (strlen(out) < 20)
        FAIL("suspiciously short output: %s", out);
    expect_run_left_nothing(fds_before);
    printf("same output all-in-one and under %s (%zu bytes)\n", config, strlen(out));
    if (want_err)
        printf("stderr:\n%s", err);
    free(base_out);
    free(base_err);
    free(out);
    free(err);
    return 0;
}

static int cmd_leaks(const char *ledger, const char *config, int kill_root)
{
    pid_t kids[64];
    int fds_before = count_fds(), n;
    struct proc p = spawn(ledger, kill_root ? "block" : "pids", config);

    expect_line(p.out, "ready");
    n = children_pids(p.pid, kids, 64);
    if (n < 1)
        FAIL("the config started no child FMP");
    for (int i = 0; i < n; i++) {
        if (regions_of(kids[i]) < 1)
            FAIL("child %d maps no region", (int)kids[i]);
        if (!maps_only_own(kids[i]))
            FAIL("child %d maps a region it is no party to", (int)kids[i]);
    }
    if (regions_of(p.pid) < 1)
        FAIL("root maps no region");
    if (kill_root) {
        usleep(50000);        /* let the call reach the callee and block */
        kill(p.pid, SIGKILL);
        wait_exit(p.pid);
    } else {
        close(p.in);
        p.in = -1;
        int st = wait_exit(p.pid);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            FAIL("root exited with status 0x%x", st);
    }
    expect_gone(kids, n);
    if (p.in >= 0)
        close(p.in);
    close(p.out);
    char *err = slurp(p.err);
    if (!kill_root && err[0])
        FAIL("clean exit wrote to stderr: %s", err);
    free(err);
    if (regions_of(getpid()) != 0)
        FAIL("the driver holds a region");
    if (count_fds() != fds_before)
        FAIL("descriptors: %d before, %d after", fds_before, count_fds());
    printf("%d child FMPs gone after the root %s; no region left\n", n,
           kill_root ? "was killed mid-call" : "exited");
    return 0;
}

static int cmd_evil(const char *ledger, const char *config)
{
    char *out, *err;
    int st = run(ledger, "evil", config, &out, &err);
    const char *want = "evil_fill returned -1 (Input/output error)\nstore_put after it: 0\n";

    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("the caller did not survive a malformed reply (status 0x%x): %s", st, err);
    if (strcmp(out, want) != 0)
        FAIL("output:\n%s\nwanted:\n%s", out, want);
    if (!strstr(err, "malformed reply to evil_fill()") || !strstr(err, "stopping it"))
        FAIL("no message about the malformed reply: %s", err);
    printf("malformed reply rejected, callee stopped, caller went on\n");
    free(out);
    free(err);
    return 0;
}

static int cmd_fails(const char *ledger, const char *config, int status, const char *expect,
                     const char *mode)
{
    char *out, *err;
    int fds_before = count_fds();
    int st = run(ledger, mode, config, &out, &err);

    expect_run_left_nothing(fds_before);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != status)
        FAIL("the app did not end with status %d (status 0x%x): %s", status, st, err);
    if (status == 1 && out[0])
        FAIL("the app ran despite a bad config: %s", out);
    if (!strstr(err, expect))
        FAIL("stderr lacks '%s':\n%s", expect, err);
    printf("stdout:\n%sstderr:\n%s", out, err);
    free(out);
    free(err);
    return 0;
}

/*
 * Run argv with a deadline, collecting stdout and stderr.  Returns the
 * wait status, or fails the test when the run outlives @seconds: a config
 * that check passes must never hang its start.
 */
static int run_argv(char *const argv[], int seconds, char **out, char **err)
{
    int pout[2], perr[2];
    char what[600];
    pid_t pid;

    if (pipe(pout) || pipe(perr))
        FAIL("pipe: %s", strerror(errno));
    pid = fork();
    if (pid == 0)
        fr_test_exec(open("/dev/null", O_RDONLY), pout[1], perr[1], -1, FR_TEST_ENV_INHERIT,
                     argv);
    close(pout[1]);
    close(perr[1]);
    what[0] = '\0';
    for (int i = 0; argv[i] && i < 4; i++)   /* the command, as far as it names the case */
        snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s", i ? " " : "", argv[i]);
    collect(pid, pout[0], perr[0], seconds, what, out, err);
    return wait_exit(pid);
}

/* The first line of @s, a copy. */
static char *first_line(const char *s)
{
    return strndup(s, strcspn(s, "\n"));
}

static int cmd_verdict(const char *ledger, const char *fracture, const char *dir, int n,
                       char **configs)
{
    char *plain, *err, abs_ledger[PATH_MAX], abs_fracture[PATH_MAX];
    int st, accepted = 0, refused = 0;

    if (!realpath(ledger, abs_ledger) || !realpath(fracture, abs_fracture))
        FAIL("cannot find %s or %s", ledger, fracture);
    if (chdir(dir))
        FAIL("cannot enter %s: %s", dir, strerror(errno));
    {
        char *argv[] = { abs_ledger, NULL };
        unsetenv("FRACTURE_CONFIG");
        st = run_argv(argv, 60, &plain, &err);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            FAIL("the ledger without a config failed (0x%x): %s", st, err);
        free(err);
    }
    for (int i = 0; i < n; i++) {
        char *cfg = configs[i];
        char *check_argv[] = { abs_fracture, "check", "-c", cfg, abs_ledger, NULL };
        char *run_argv_[] = { abs_fracture, "run", "-c", cfg, "--", abs_ledger, NULL };
        char *cout, *cerr, *rout, *rerr, *c1, *r1;
        int fds_before = count_fds(), cst, rst;

        if (access(cfg, R_OK))
            FAIL("no config %s", cfg);
        cst = run_argv(check_argv, 60, &cout, &cerr);
        rst = run_argv(run_argv_, 120, &rout, &rerr);
        expect_run_left_nothing(fds_before);
        if (!WIFEXITED(cst) || !WIFEXITED(rst))
            FAIL("%s: check (0x%x) or run (0x%x) did not exit: %s%s", cfg, cst, rst, cerr, rerr);
        c1 = first_line(cerr);
        r1 = first_line(rerr);
        if (WEXITSTATUS(cst) == 0) {
            /* check said OK: the program starts and does what it does
             * without a config */
            if (WEXITSTATUS(rst) != 0 || strcmp(rout, plain))
                FAIL("%s: check passed it, but the run %s (status %d):\n%s", cfg,
                     WEXITSTATUS(rst) ? "failed" : "printed something else",
                     WEXITSTATUS(rst), rerr);
            accepted++;
        } else {
            if (WEXITSTATUS(cst) != 1 || WEXITSTATUS(rst) != 1 || rout[0])
                FAIL("%s: check ended %d, run ended %d (it must refuse it, nothing run):\n"
                     "%s%s", cfg, WEXITSTATUS(cst), WEXITSTATUS(rst), cerr, rerr);
            if (strcmp(c1, r1))
                FAIL("%s: check and run refuse it differently:\n  check: %s\n  run:   %s",
                     cfg, c1, r1);
            refused++;
        }
        printf("%-40s %s: %s\n", cfg, WEXITSTATUS(cst) ? "refused by both" : "accepted, ran",
               WEXITSTATUS(cst) ? c1 : "output as without a config");
        free(c1);
        free(r1);
        free(cout);
        free(cerr);
        free(rout);
        free(rerr);
    }
    printf("%d configs: %d accepted by check and run as without a config, %d refused by "
           "check and run with the same first message\n", n, accepted, refused);
    free(plain);
    return 0;
}

/* Read one line from fd into @line (blocking; one byte at a time). */
static void read_line(int fd, char *line, size_t cap)
{
    size_t n = 0;
    char c;

    while (n < cap - 1 && read(fd, &c, 1) == 1 && c != '\n')
        line[n++] = c;
    line[n] = '\0';
}

/* Append what fd holds now (non-blocking) to *buf; count lines holding @what. */
static int drain(int fd, char **buf, size_t *len, const char *what)
{
    char chunk[4096];
    ssize_t got;
    int hits = 0;

    while ((got = read(fd, chunk, sizeof chunk - 1)) > 0) {
        chunk[got] = '\0';
        *buf = realloc(*buf, *len + (size_t)got + 1);
        memcpy(*buf + *len, chunk, (size_t)got + 1);
        *len += (size_t)got;
    }
    for (const char *p = *buf; (p = strstr(p, what)); p += strlen(what))
        hits++;
    return hits;
}

/* Whether child pid's name starts with @prefix: a serving FMP is "fr:NAME",
 * a warm spare "fr-standby"; one still starting has neither. */
static int named(pid_t pid, const char *prefix)
{
    char path[64], comm[32] = "";
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
    if (!(f = fopen(path, "r")))
        return 0;
    if (!fgets(comm, sizeof comm, f))
        comm[0] = '\0';
    fclose(f);
    return strncmp(comm, prefix, strlen(prefix)) == 0;
}

/* The child FMP of @root named "fr:NAME", or 0. */
static pid_t child_named(pid_t root, const char *name)
{
    pid_t kids[64];
    char want[80];
    int n = children_pids(root, kids, 64);

    snprintf(want, sizeof want, "fr:%s", name);
    for (int i = 0; i < n; i++)
        if (named(kids[i], want))
            return kids[i];
    return 0;
}

static int cmd_status(const char *ledger, const char *config, const char *fmp,
                      const char *field, const char *want)
{
    struct proc p = spawn(ledger, "pids", config);
    char path[64], line[256], value[128] = "";
    pid_t pid;
    FILE *f;

    expect_line(p.out, "ready");
    if (!(pid = child_named(p.pid, fmp)))
        FAIL("no FMP %s", fmp);
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if (!(f = fopen(path, "r")))
        FAIL("%s: %s", path, strerror(errno));
    while (fgets(line, sizeof line, f))
        if (strncmp(line, field, strlen(field)) == 0 && line[strlen(field)] == ':')
            sscanf(line + strlen(field) + 1, "%127s", value);
    fclose(f);
    close(p.in);
    wait_exit(p.pid);
    close(p.out);
    close(p.err);
    if (want[0] == '!' ? strcmp(value, want + 1) == 0 : strcmp(value, want) != 0)
        FAIL("FMP %s: %s is '%s', expected %s", fmp, field, value, want);
    printf("FMP %s: %s %s\n", fmp, field, value);
    return 0;
}

static int cmd_vgdb(const char *ledger, const char *config)
{
    struct proc p = spawn(ledger, "pids", config);
    pid_t kids[64];
    int n, found = 0;

    expect_line(p.out, "ready");
    n = children_pids(p.pid, kids, 64);
    DIR *d = opendir("/tmp");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        for (int i = 0; i < n; i++) {
            char tag[32];
            snprintf(tag, sizeof tag, "-%d-", (int)kids[i]);
            if (strncmp(e->d_name, "vgdb-pipe", 9) == 0 && strstr(e->d_name, tag)) {
                fprintf(stderr, "a child FMP made /tmp/%s\n", e->d_name);
                found++;
            }
        }
    }
    if (d)
        closedir(d);
    close(p.in);
    wait_exit(p.pid);
    close(p.out);
    close(p.err);
    if (found || n == 0)
        FAIL("%d vgdb files of %d child FMPs", found, n);
    printf("%d child FMPs under Valgrind, no vgdb file\n", n);
    return 0;
}

static int serving(pid_t pid)
{
    return named(pid, "fr:");
}

/* The only serving child FMP of root, once it is up (and not @old); a
 * restartable FMP has at most one warm spare beside it. */
/* Whether @pid is ending: a zombie, or its threads past exit (PF_EXITING
 * in its flags).  A crashed FMP the root knew dead early (deathwatch.c)
 * is still its child while the kernel tears it down. */
static int ending(pid_t pid)
{
    char path[64], buf[512], state;
    unsigned long flags;
    FILE *f;
    int ok;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "r")))
        return 1;
    ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    char *p = ok ? strrchr(buf, ')') : NULL;
    if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2)
        return 1;
    return state == 'Z' || state == 'X' || (flags & 0x4);
}

/* The children of @root that are not ending. */
static int live_children(pid_t root, pid_t *kids, int max)
{
    int n = children_pids(root, kids, max), live = 0;

    for (int i = 0; i < n; i++)
        if (!ending(kids[i]))
            kids[live++] = kids[i];
    return live;
}

static pid_t sole_child(pid_t root, pid_t old)
{
    pid_t kids[8];

    for (int tries = 0; tries < 5000; tries++) {
        int n = live_children(root, kids, 8), found = 0;
        pid_t it = 0;
        if (n > 2)
            FAIL("%d child processes where the config has one FMP and its spare", n);
        for (int i = 0; i < n; i++)
            if (kids[i] != old && serving(kids[i])) {
                it = kids[i];
                found++;
            }
        if (found > 1)
            FAIL("%d serving FMPs where the config has one", found);
        if (found == 1)
            return it;
        usleep(1000);
    }
    FAIL("no child FMP came back after %d was killed", (int)old);
}

/* Wait until root has its FMP and that FMP's warm spare (started a few
 * milliseconds after a restart): the state to compare counts in. */
static void await_spare(pid_t root)
{
    pid_t kids[8];

    for (int tries = 0; tries < 5000; tries++) {
        int n = live_children(root, kids, 8), spare = 0;
        for (int i = 0; i < n; i++)
            spare += named(kids[i], "fr-standby");
        if (n == 2 && spare == 1)
            return;
        usleep(1000);
    }
    FAIL("the restartable FMP has no warm spare");
}

static int fds_of(pid_t pid)
{
    char path[64];
    DIR *d;
    int n = 0;

    snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
    if (!(d = opendir(path)))
        FAIL("cannot open %s", path);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/*
 * Restart soak: kill the math FMP @rounds times while the ledger answers
 * one batch of calls per line.  Each batch answers once, right; after every
 * restart the root holds as many descriptors and regions, and has one child.
 */
static int cmd_soak(const char *ledger, const char *config, int rounds)
{
    struct proc p = spawn(ledger, "soak", config);
    char line[128], *err = NULL;
    size_t errlen = 0;
    pid_t child;
    int fds0, regions0, restarted = 0;
    /* E2E_SOAK_EARLY: kill the FMP's warm spare too, and a new FMP as soon
     * as it serves: the root must start it cold, and again if it dies
     * before it is ready, in its next environment each time. */
    int early = getenv("E2E_SOAK_EARLY") != NULL;

    expect_line(p.out, "ready");
    fcntl(p.err, F_SETFL, O_NONBLOCK);
    if (write(p.in, "go\n", 3) != 3)
        FAIL("cannot write to the ledger");
    read_line(p.out, line, sizeof line);
    if (strcmp(line, "ok 122304") != 0)
        FAIL("first batch answered '%s', not 'ok 122304'", line);
    child = sole_child(p.pid, 0);
    await_spare(p.pid);
    fds0 = fds_of(p.pid);
    regions0 = regions_of(p.pid);
    for (int i = 1; i <= rounds; i++) {
        if (write(p.in, "go\n", 3) != 3)
            FAIL("round %d: cannot write to the ledger", i);
        kill(child, SIGKILL);          /* before, during or after the batch */
        if (early) {
            /* and the warm spare with it: the restart falls back to a cold
             * start, or finds its new incarnation dead before it is ready */
            pid_t kids[8];
            int n = children_pids(p.pid, kids, 8);
            for (int k = 0; k < n; k++)
                kill(kids[k], SIGKILL);
        }
        read_line(p.out, line, sizeof line);
        if (strcmp(line, "ok 122304") != 0)
            FAIL("round %d: the batch answered '%s', not 'ok 122304'; stderr:\n%s", i, line,
                 (drain(p.err, &err, &errlen, "-"), err ? err : ""));
        child = sole_child(p.pid, child);
        /* the root logs the restart once the new FMP is up: kill only that
         * one (an FMP killed while starting is another test) */
        restarted = drain(p.err, &err, &errlen, "restarted as pid");
        for (int t = 0; t < 5000 && restarted < i && !early; t++, usleep(1000))
            restarted = drain(p.err, &err, &errlen, "restarted as pid");
        if (i % 100 == 0 || i == rounds) {
            /* killed while starting, an FMP is started again at once:
             * one restart logged for two deaths, and one "trying again" */
            for (int t = 0; t < 5000 && restarted < i; t++, usleep(1000))
                restarted = drain(p.err, &err, &errlen, "restarted as pid") +
                            drain(p.err, &err, &errlen, "trying again");
            await_spare(p.pid);
            /* a leak stays; a descriptor in passing (a spare being
             * started, say) goes within a moment */
            int fds = fds_of(p.pid);
            for (int t = 0; t < 1000 && fds != fds0; t++, usleep(1000))
                fds = fds_of(p.pid);
            if (fds != fds0)
                FAIL("round %d: the root holds %d descriptors, %d at the start", i, fds, fds0);
            if (regions_of(p.pid) != regions0)
                FAIL("round %d: the root maps %d regions, %d at the start", i,
                     regions_of(p.pid), regions0);
            /* one restart per kill; killing a spare as it is taken adds a
             * "trying again" to its round */
            if (early ? restarted < i : restarted != i)
                FAIL("round %d: %d restarts logged", i, restarted);
        }
    }
    pid_t kids[8];
    int nkids = children_pids(p.pid, kids, 8);   /* the FMP and its spare */
    close(p.in);
    int st = wait_exit(p.pid);
    fcntl(p.err, F_SETFL, 0);
    drain(p.err, &err, &errlen, "restarted as pid");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        FAIL("the ledger ended with status 0x%x:\n%s", st, err ? err : "");
    if (err && strstr(err, "will not be restarted"))
        FAIL("an FMP was lost:\n%s", err);
    expect_gone(kids, nkids);
    close(p.out);
    printf("%d crash-restarts (%d killed while starting): every batch answered once and right; "
           "root descriptors (%d), regions (%d) and children (FMP and spare) stable\n", rounds,
           drain(p.err, &err, &errlen, "trying again"), fds0, regions0);
    close(p.err);
    free(err);
    return 0;
}

/* Two runs under @config print the same, and more than one instance served. */
static int cmd_same(const char *ledger, const char *config, const char *mode)
{
    char *out1, *err1, *out2, *err2;
    int fds_before = count_fds(), served = 0;
    int st1 = run(ledger, mode, config, &out1, &err1);
    int st2 = run(ledger, mode, config, &out2, &err2);

    expect_run_left_nothing(fds_before);
    if (st1 != 0 || st2 != 0)
        FAIL("runs ended with 0x%x and 0x%x: %s%s", st1, st2, err1, err2);
    if (err1[0] || err2[0])
        FAIL("the runs wrote to stderr:\n%s%s", err1, err2);
    if (strcmp(out1, out2) != 0)
        FAIL("two runs differ:\n--- first\n%s--- second\n%s", out1, out2);
    for (const char *p = out1; (p = strstr(p, " served ")); p++)
        served++;
    if (served < 2)
        FAIL("fewer than two instances served:\n%s", out1);
    printf("two runs, the same choices:\n%s", out1);
    free(out1);
    free(err1);
    free(out2);
    free(err2);
    return 0;
}

/* Whether a Valgrind XML report holds a definite leak with @fn on its stack. */
static int leak_in(const char *file, const char *fn)
{
    xmlDocPtr doc = xmlReadFile(file, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNodePtr root;
    int found = 0;

    if (!doc)
        FAIL("%s is not well-formed XML", file);
    root = xmlDocGetRootElement(doc);
    if (!root || xmlStrcmp(root->name, BAD_CAST "valgrindoutput") != 0)
        FAIL("%s is not a Valgrind XML report", file);
    for (xmlNodePtr e = root->children; e && !found; e = e->next) {
        int definite = 0, named = 0;
        if (e->type != XML_ELEMENT_NODE || xmlStrcmp(e->name, BAD_CAST "error") != 0)
            continue;
        for (xmlNodePtr c = e->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            if (xmlStrcmp(c->name, BAD_CAST "kind") == 0) {
                xmlChar *k = xmlNodeGetContent(c);
                definite = k && xmlStrcmp(k, BAD_CAST "Leak_DefinitelyLost") == 0;
                xmlFree(k);
            } else if (xmlStrcmp(c->name, BAD_CAST "stack") == 0) {
                for (xmlNodePtr fr = c->children; fr; fr = fr->next)
                    for (xmlNodePtr x = fr->children; x; x = x->next) {
                        if (x->type != XML_ELEMENT_NODE || xmlStrcmp(x->name, BAD_CAST "fn") != 0)
                            continue;
                        xmlChar *name = xmlNodeGetContent(x);
                        named |= name && xmlStrcmp(name, BAD_CAST fn) == 0;
                        xmlFree(name);
                    }
            }
        }
        found = definite && named;
    }
    xmlFreeDoc(doc);
    return found;
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d))) {
        char path[4096];
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) < 0)
            remove_tree(path);
    }
    closedir(d);
    rmdir(dir);
}

static int cmd_vgreport(const char *ledger, const char *config, const char *prefix,
                        const char *fn)
{
    char scratch[] = "/tmp/fracture-e2e-XXXXXX", cwd[4096], *base_out, *base_err, *out, *err;
    char reports[4200];
    int fds_before = count_fds(), nreports = 0, leaks = 0, st;
    DIR *d;
    struct dirent *e;

    if (!getcwd(cwd, sizeof cwd) || !mkdtemp(scratch) || chdir(scratch) < 0)
        FAIL("cannot make a scratch directory: %s", strerror(errno));
    st = run(ledger, "leak", NULL, &base_out, &base_err);
    if (st != 0)
        FAIL("all-in-one run failed (0x%x): %s", st, base_err);
    st = run(ledger, "leak", config, &out, &err);
    expect_run_left_nothing(fds_before);
    if (st != 0)
        FAIL("run under %s failed (0x%x): %s", config, st, err);
    if (strcmp(out, base_out) != 0)
        FAIL("output under %s differs:\n%s--- all-in-one\n%s", config, out, base_out);
    snprintf(reports, sizeof reports, "%s/fracture-reports", scratch);
    if (!(d = opendir(reports)))
        FAIL("no reports dir %s", reports);
    while ((e = readdir(d))) {
        char path[8500];
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 || n < 4 ||
            strcmp(e->d_name + n - 4, ".xml") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", reports, e->d_name);
        nreports++;
        if (leak_in(path, fn)) {
            leaks++;
            printf("%s: definite leak in %s()\n", e->d_name, fn);
        }
    }
    closedir(d);
    if (chdir(cwd) < 0)
        FAIL("cannot go back to %s", cwd);
    remove_tree(scratch);
    xmlCleanupParser();
    if (nreports < 2)
        FAIL("%d reports named %s*.xml, expected one per recycled instance", nreports, prefix);
    if (!leaks)
        FAIL("no report shows the leak in %s()", fn);
    printf("%d reports, %d show the leak; output as all-in-one\n", nreports, leaks);
    free(base_out);
    free(base_err);
    free(out);
    free(err);
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    if ((argc == 4 || argc == 5) && strcmp(argv[1], "compare") == 0)
        return cmd_compare(argv[2], argv[3], argc == 5 ? argv[4] : "work");
    if (argc == 6 && strcmp(argv[1], "maps") == 0)
        return cmd_maps(argv[2], argv[3], argv[4], argv[5]);
    if (argc == 7 && strcmp(argv[1], "status") == 0)
        return cmd_status(argv[2], argv[3], argv[4], argv[5], argv[6]);
    if (argc == 4 && strcmp(argv[1], "vgdb") == 0)
        return cmd_vgdb(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "solo") == 0)
        return cmd_solo(argv[2]);
    if (argc == 4 && strcmp(argv[1], "exit") == 0)
        return cmd_leaks(argv[2], argv[3], 0);
    if (argc == 4 && strcmp(argv[1], "kill-root") == 0)
        return cmd_leaks(argv[2], argv[3], 1);
    if (argc == 5 && strcmp(argv[1], "soak") == 0)
        return cmd_soak(argv[2], argv[3], atoi(argv[4]));
    if (argc == 4 && strcmp(argv[1], "evil") == 0)
        return cmd_evil(argv[2], argv[3]);
    if (argc == 5 && strcmp(argv[1], "same") == 0)
        return cmd_same(argv[2], argv[3], argv[4]);
    if (argc == 6 && strcmp(argv[1], "vgreport") == 0)
        return cmd_vgreport(argv[2], argv[3], argv[4], argv[5]);
    if (argc >= 6 && strcmp(argv[1], "verdict") == 0)
        return cmd_verdict(argv[2], argv[3], argv[4], argc - 5, argv + 5);
    if ((argc == 6 || argc == 7) && strcmp(argv[1], "fails") == 0)
        return cmd_fails(argv[2], argv[3], atoi(argv[4]), argv[5], argc == 7 ? argv[6] : "work");
    fprintf(stderr, "usage: e2e_ledger compare|exit|kill-root|evil LEDGER CONFIG\n"
                    "       e2e_ledger fails LEDGER CONFIG STATUS EXPECT [MODE]\n");
    return 2;
}
