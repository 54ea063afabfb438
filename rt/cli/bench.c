/*
 * bench.c - `fracture bench`: every figure of DESIGN's performance table,
 * measured side by side in one run, with the ratios the targets speak of.
 *
 * The command runs fracture-bench, beside it (bench_run.c: the measuring
 * run, a fractured program of its own), with a config in a memfd that
 * puts the bench's `far` module in an FMP of its own, and waits for it.
 * The FMPs are that program and not `fracture`, whose report and
 * partition commands map libxml2, libarchive, SQLite and libpq: a user's
 * FMP maps what the user's program links, and each library mapped makes
 * the kernel slower to end a crashed FMP, which the restart figure would
 * carry (0.3 to 0.6 ms more here, README).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <talloc.h>
#include <unistd.h>

#include "cli.h"
#include "helpers.h"
#include "launch.h"

/* Valgrind cannot run a sanitized binary: no memcheck instances there. */
#if defined(__SANITIZE_ADDRESS__)
#define BENCH_MEMCHECK 0
#else
#define BENCH_MEMCHECK 1
#endif

/* The memcheck instances' XML reports go to a directory of the outer
 * process's own, removed when the inner run is over. */
static void remove_reports(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (d) {
        while ((e = readdir(d))) {
            char path[512];
            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

/*
 * Run the bench again (the inner run) with a config, in a memfd, that puts
 * `far` in an FMP of its own, replicates `rep` three ways and, when
 * Valgrind is there, samples `samp1` and `samp5` with 1 % and 5 % of calls
 * to a memcheck instance; `boxed` runs as `far` does, under `sandbox:
 * strict`, to show what the filter costs a call.  Waits for it, then removes its reports.
 */
static int outer(int argc, char **argv)
{
    char path[64], reports[96], *vg = fr__which(NULL, "valgrind");
    int memcheck = BENCH_MEMCHECK && vg, fd, status = 0;
    char *config;
    pid_t pid;

    talloc_free(vg);
    if (memcheck && fr__bench_mkdtemp(reports, sizeof reports) < 0)
        memcheck = 0;
    config = talloc_asprintf(
        NULL,
        "version: 1\n"
        "defaults: {spin_us: 200}\n"
        "fmps:\n"
        "  - name: far\n"
        "    modules: [far]\n"
        "    restart: {max: 100000, window_s: 1, retries: 1}\n"
        "  - name: rep\n"
        "    modules: [rep]\n"
        "    replicate: {count: 3, on_divergence: vote}\n"
        "  - name: boxed\n"
        "    modules: [boxed]\n"
        "    env: {sandbox: strict}\n"
        "%s%s%s",
        memcheck ? "  - name: samp1\n"
                   "    modules: [samp1]\n"
                   "    sample: {seed: 1, instances: [{weight: 99}, "
                   "{weight: 1, env: {valgrind: {tool: memcheck}}}]}\n"
                   "  - name: samp5\n"
                   "    modules: [samp5]\n"
                   "    sample: {seed: 1, instances: [{weight: 95}, "
                   "{weight: 5, env: {valgrind: {tool: memcheck}}}]}\n"
                   "reports: {dir: " : "",
        memcheck ? reports : "", memcheck ? "}\n" : "");
    fd = memfd_create("fracture-bench.yaml", 0);
    if (!config || fd < 0 ||
        write(fd, config, strlen(config)) != (ssize_t)strlen(config)) {
        fprintf(stderr, "fracture: error: bench: cannot write its config: %s\n", strerror(errno));
        talloc_free(config);
        return 1;
    }
    talloc_free(config);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    setenv("FRACTURE_CONFIG", path, 1);
    setenv("FRACTURE_BENCH_INNER", "1", 1);
    /* fracture-bench bench OPTIONS...: its FMPs are that lean program */
    char exe[4096], *args[argc + 2];
    int prc = fr__helper_path("fracture-bench", exe, sizeof exe);
    args[0] = "fracture-bench";
    for (int i = 0; i < argc; i++)
        args[i + 1] = argv[i];
    args[argc + 1] = NULL;
    fflush(NULL);
    pid_t outer_pid = getpid();
    pid = prc < 0 ? (errno = -prc, -1) : fork();
    if (pid == 0) {
        /* the inner run, and with it its FMPs, ends with this one */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != outer_pid)
            _exit(1);
        execv(exe, args);
        fprintf(stderr, "fracture: error: bench: cannot run %s: %s (it is built and "
                "installed beside fracture)\n", exe, strerror(errno));
        _exit(1);
    }
    close(fd);
    /* an interrupt ends the inner run; this one stays to clean up */
    signal(SIGINT, SIG_IGN);
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (memcheck)
        remove_reports(reports);
    if (pid < 0) {
        fprintf(stderr, "fracture: error: bench: cannot start its measuring run: %s\n",
                strerror(errno));
        return 1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* The options are checked here and read by the measuring run. */
int fr_cmd_bench(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("usage: fracture bench [--json] [--quick]\n\n"
                   "Measures, in one run: a direct call, a same-FMP stub call (and the\n"
                   "same in a traced deployment, stub_local_traced), cross-FMP calls (null,\n"
                   "and both with the profiler on: stub_local_profiled, cross_null_profiled;\n"
                   "4 KiB and 1 MiB in/out), and null RPCs over a raw\n"
                   "shared-memory ping-pong, socketpair, pipe, ZeroMQ and nng REQ/REP\n"
                   "(ipc://) and iceoryx request/response (a RouDi of its own, in private\n"
                   "mount and PID namespaces); then idle CPU, idle child memory and\n"
                   "channel memory, and the time from a crash of the callee's FMP to the\n"
                   "replayed reply (and, within it, the time the kernel takes to end the\n"
                   "killed FMP); null calls to an FMP replicated three ways, and to FMPs\n"
                   "sampled with 1 %% and 5 %% of calls to a memcheck instance (when\n"
                   "Valgrind is installed).  Medians and p99 over rounds; ratios against\n"
                   "DESIGN.md's targets.  --quick: fewer rounds.\n");
            return 0;
        } else if (strcmp(argv[i], "--json") != 0 && strcmp(argv[i], "--quick") != 0) {
            char msg[256];
            snprintf(msg, sizeof msg, "unknown option '%.200s'", argv[i]);
            return fr_usage_error("bench", msg);
        }
    }
    return outer(argc, argv);
}
