/*
 * figures.c - the per-call, per-byte and per-descriptor costs from `fracture bench`
 * (figures.h): read from a file or the cache, or measured and cached.
 */
#include "figures.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <talloc.h>
#include <unistd.h>

#include "outfile.h"
#include "slurp.h"

#define MIB (1024.0 * 1024.0)
#define HINT_BENCH "give the output of `fracture bench --json` (--bench FILE.json), or the " \
                   "costs themselves (--call-ns N --byte-ns X)"

static int median_of(const char *name, const json_t *results, const char *figure,
                     double *out, struct fr_perr *e)
{
    size_t i;
    json_t *r;

    json_array_foreach(results, i, r) {
        json_t *n = json_object_get(r, "name"), *m = json_object_get(r, "median_ns");
        if (!json_is_string(n) || strcmp(json_string_value(n), figure) != 0)
            continue;
        if (!json_is_number(m) || json_number_value(m) < 0)
            return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, HINT_BENCH, "%s: results[%zu]"
                                ".median_ns: expected the median of '%s' in ns, a "
                                "non-negative number", name, i, figure);
        *out = json_number_value(m);
        return 0;
    }
    return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, HINT_BENCH, "%s: results: no figure "
                        "'%s' (the bench of this release prints it)", name, figure);
}

static int has_figure(const json_t *results, const char *figure)
{
    size_t i;
    json_t *r;

    json_array_foreach(results, i, r) {
        json_t *n = json_object_get(r, "name");
        if (json_is_string(n) && strcmp(json_string_value(n), figure) == 0)
            return 1;
    }
    return 0;
}

int fr__bench_parse(const char *name, const char *text, size_t len,
                    struct fr_bench_medians *out, struct fr_perr *e)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr), *results;
    int rc;

    if (!root)
        return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, HINT_BENCH, "%s:%d:%d: not the "
                            "output of `fracture bench --json`: %s", name, jerr.line,
                            jerr.column, jerr.text);
    results = json_object_get(root, "results");
    if (!json_is_array(results))
        rc = fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, HINT_BENCH, "%s: results: expected "
                          "the array `fracture bench --json` prints", name);
    else if (!(rc = median_of(name, results, "cross_null", &out->cross_null, e)) &&
             !(rc = median_of(name, results, "stub_local", &out->stub_local, e)) &&
             !(rc = median_of(name, results, "cross_inout_1m", &out->cross_inout_1m, e))) {
        /* a bench of an earlier release has no cross_fd: descriptors are
         * then not priced, as before; a malformed one is refused */
        out->cross_fd = -1;
        if (has_figure(results, "cross_fd"))
            rc = median_of(name, results, "cross_fd", &out->cross_fd, e);
    }
    json_decref(root);
    return rc;
}

char *fr__bench_cache_path(void *ctx)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

    /* XDG: a relative XDG_CACHE_HOME is invalid and to be ignored */
    if (xdg && xdg[0] == '/')
        return talloc_asprintf(ctx, "%s/fracture/bench.json", xdg);
    if (!home || home[0] != '/') {
        struct passwd *pw = getpwuid(getuid());
        home = pw ? pw->pw_dir : NULL;
    }
    return home ? talloc_asprintf(ctx, "%s/.cache/fracture/bench.json", home) : NULL;
}

/* Runs `SELF bench --quick --json` and returns its stdout under @ctx.
 * (fork and exec: rt/lib's spawn.h shadows <spawn.h> on this include
 * path.) */
static char *measure(void *ctx, const char *self, size_t *len, struct fr_perr *e)
{
    char *argv[] = { "fracture", "bench", "--quick", "--json", NULL };
    char *out;
    FILE *errf;
    int pfd[2], status, err;
    pid_t pid;

    *len = 0;
    if (pipe2(pfd, O_CLOEXEC) < 0) {
        fr__perr_set(e, -errno, FR_PERR_FAILURE, NULL, "cannot measure: pipe: %s",
                     strerror(errno));
        return NULL;
    }
    /* the bench's own messages (restarts it provokes, its peers) only
     * matter if it fails: kept aside in an unlinked file, shown then */
    errf = tmpfile();
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        dup2(pfd[1], STDOUT_FILENO);
        if (errf)
            dup2(fileno(errf), STDERR_FILENO);
        execv(self, argv);
        fprintf(stderr, "fracture: error: cannot run %s bench: %s\n", self, strerror(errno));
        _exit(127);
    }
    err = errno;
    close(pfd[1]);
    if (pid < 0) {
        close(pfd[0]);
        if (errf)
            fclose(errf);
        fr__perr_set(e, -err, FR_PERR_FAILURE, HINT_BENCH, "cannot measure: fork: %s",
                     strerror(err));
        return NULL;
    }
    out = fr__slurp_fd(ctx, pfd[0], FR_SLURP_ALL, len);
    close(pfd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!out || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char buf[4096];
        size_t n;
        if (errf) {
            rewind(errf);
            while ((n = fread(buf, 1, sizeof buf, errf)) > 0)
                fwrite(buf, 1, n, stderr);
            fclose(errf);
        }
        fr__perr_set(e, -EIO, FR_PERR_FAILURE, HINT_BENCH, "`fracture bench --quick --json` "
                     "failed (%s %d): its messages above say why",
                     WIFEXITED(status) ? "exit status" : "signal",
                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        talloc_free(out);
        return NULL;
    }
    if (errf)
        fclose(errf);
    return out;
}

/* mkdir -p of the directory part of @path. */
static int make_parents(char *path)
{
    for (char *p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        int rc = mkdir(path, 0700);
        *p = '/';
        if (rc < 0 && errno != EEXIST)
            return -errno;
    }
    return 0;
}

/* The medians from the bench file, the cache or a measurement; *from
 * says which. */
static int bench_medians(void *ctx, const struct fr_figures_opts *o,
                         struct fr_bench_medians *med, char **from, struct fr_perr *e)
{
    char *cache, *text;
    size_t len;
    int rc;

    if (o->bench_file) {
        text = fr__slurp_file(ctx, o->bench_file, FR_SLURP_ALL, &len);
        if (!text)
            return fr__perr_set(e, -errno, FR_PERR_FAILURE, HINT_BENCH, "%s: cannot read the "
                                "bench figures: %s", o->bench_file, strerror(errno));
        *from = talloc_asprintf(ctx, "%s (--bench)", o->bench_file);
        return fr__bench_parse(o->bench_file, text, len, med, e);
    }
    cache = fr__bench_cache_path(ctx);
    if (cache && (text = fr__slurp_file(ctx, cache, FR_SLURP_ALL, &len))) {
        struct fr_perr quiet;
        fr__perr_init(&quiet, ctx);
        if (fr__bench_parse(cache, text, len, med, &quiet) == 0) {
            *from = talloc_asprintf(ctx, "%s (cached)", cache);
            return 0;
        }
        fprintf(stderr, "fracture: warning: partition: the cached bench figures are "
                "unusable (%s); measuring again\n", quiet.msg);
    }
    if (o->progress)
        fprintf(stderr, "measuring this machine's call costs (fracture bench --quick, "
                "about 10 s; cached for next time)...\n");
    text = measure(ctx, o->self, &len, e);
    if (!text)
        return -EIO;
    if ((rc = fr__bench_parse("the output of `fracture bench --quick --json`", text, len,
                              med, e)))
        return rc;
    *from = talloc_strdup(ctx, "measured now (fracture bench --quick)");
    if (cache) {
        struct fr_perr quiet;
        fr__perr_init(&quiet, ctx);
        if ((rc = make_parents(cache)) < 0 ||
            (rc = fr__outfile_write(ctx, cache, text, len, &quiet)) < 0)
            fprintf(stderr, "fracture: warning: partition: cannot cache the bench figures "
                    "in %s: %s\n", cache, quiet.msg ? quiet.msg : strerror(-rc));
        else
            *from = talloc_asprintf(ctx, "measured now (fracture bench --quick), cached in %s",
                                    cache);
    }
    return 0;
}

int fr__figures_get(void *ctx, const struct fr_figures_opts *o, struct fr_figures *out,
                    struct fr_perr *e)
{
    struct fr_bench_medians med;
    char *from = NULL;
    int rc;

    *out = (struct fr_figures){ .call_ns = o->call_ns, .byte_ns = o->byte_ns,
                                .fd_ns = o->fd_ns };
    if (!o->call_set || !o->byte_set) {
        if ((rc = bench_medians(ctx, o, &med, &from, e)))
            return rc;
        out->bench = from;
    }
    if (o->call_set) {
        out->call_from = talloc_strdup(ctx, "--call-ns");
    } else {
        /* a bench on a noisy machine can put the two within noise: never
         * a negative price */
        out->call_ns = med.cross_null > med.stub_local ? med.cross_null - med.stub_local : 0;
        out->call_from = talloc_asprintf(ctx, "cross_null %.1f ns - stub_local %.1f ns",
                                         med.cross_null, med.stub_local);
    }
    if (o->byte_set) {
        out->byte_from = talloc_strdup(ctx, "--byte-ns");
    } else {
        double d = med.cross_inout_1m - med.cross_null;
        out->byte_ns = d > 0 ? d / (2 * MIB) : 0;
        out->byte_from = talloc_asprintf(ctx, "(cross_inout_1m %.1f ns - cross_null %.1f ns) "
                                         "/ 2 MiB", med.cross_inout_1m, med.cross_null);
    }
    if (o->fd_set) {
        out->fd_from = talloc_strdup(ctx, "--fd-ns");
    } else if (o->call_set && o->byte_set) {
        out->fd_ns = 0;
        out->fd_from = talloc_strdup(ctx, "not priced (--fd-ns N to price)");
    } else if (med.cross_fd < 0) {
        out->fd_ns = 0;
        out->fd_from = talloc_strdup(ctx, "not priced: the bench has no cross_fd");
    } else {
        double d = med.cross_fd - med.cross_null;
        out->fd_ns = d > 0 ? d : 0;
        out->fd_from = talloc_asprintf(ctx, "cross_fd %.1f ns - cross_null %.1f ns",
                                       med.cross_fd, med.cross_null);
    }
    if (!out->call_from || !out->byte_from || !out->fd_from ||
        ((!o->call_set || !o->byte_set) && !out->bench))
        return fr__perr_oom(e);
    return 0;
}
