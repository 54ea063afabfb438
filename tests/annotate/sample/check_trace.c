/*
 * check_trace.c - end-to-end check of tracing (`trace:`) on the sample app,
 * driven by CTest:
 *
 *   check_trace PLAIN FRACTURED SPLIT.yaml... [--crash CRASH.yaml...]
 *
 * Runs FRACTURED all in one and under each config, each with a `trace:`
 * added (copies in a temporary directory), and requires of every run:
 * stdout byte for byte the plain build's, exit 0, a trace that parses as
 * partition/README.md says (format, version, the app's name and id, every
 * module in table order).  The property the partitioner stands on: the
 * edges and their counts (calls, bytes in and out, descriptors) of every
 * split run EQUAL those of the all-in-one run; and the calls are those the
 * sample's source makes (counted by hand below).  A module that ran has
 * cpu_ns > 0; callback edges say so.  Under a CRASH config (an FMP killed
 * and restarted) the root's own calls still count once each, and the
 * crashed FMP's counts are in the trace.  A trace that cannot be written
 * (/dev/full) is an error naming the file, and the run exits 1.  Nothing
 * outlives the runs: no process, no region, no descriptor, no file.
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

#include "drain.h"
#include "leftovers.h"
#include "spawn.h"

static char dir[] = "/tmp/fr-trace-XXXXXX";
static char made[32][600];   /* the files a run may leave in dir */
static int nmade;

/* A path in the temporary directory, for a file a run makes there. */
static const char *in_dir(const char *name, const char *ext)
{
    if (nmade == (int)(sizeof made / sizeof *made))
        FAIL("more files than the driver keeps track of");
    snprintf(made[nmade], sizeof made[nmade], "%s/%s%s", dir, name, ext);
    return made[nmade++];
}

/* The temporary directory goes, whatever the outcome (FAIL exits). */
static void remove_dir(void)
{
    for (int i = 0; i < nmade; i++)
        unlink(made[i]);
    rmdir(dir);
}

struct run {
    int status;
    char *out, *err;
    size_t out_len, err_len;
};

static void run(const char *prog, const char *config, struct run *r)
{
    int fds[2];
    char *bufs[2];
    size_t lens[2];
    pid_t pid = fr_test_start(config, (char *[]){ (char *)prog, NULL }, &fds[0], &fds[1]);

    if (fr_test_drain(fds, bufs, lens, 2, time(NULL) + 100) < 0) {
        kill(pid, SIGKILL);
        FAIL("%s under %s did not end within 100 s", prog, config ? config : "no config");
    }
    while (waitpid(pid, &r->status, 0) < 0)
        if (errno != EINTR)
            FAIL("waitpid: %s", strerror(errno));
    r->out = bufs[0];
    r->out_len = lens[0];
    r->err = bufs[1];
    r->err_len = lens[1];
}

/* A copy of @src (NULL: an empty config) in the directory, with a trace
 * to @trace; returns the copy's path. */
static const char *traced_config(const char *src, const char *name, const char *trace)
{
    const char *path = in_dir(name, ".yaml");
    FILE *in = src ? fopen(src, "r") : NULL, *out;
    int c;

    if (src && !in)
        FAIL("%s: %s", src, strerror(errno));
    if (!(out = fopen(path, "w")))
        FAIL("%s: %s", path, strerror(errno));
    if (!in)
        fputs("version: 1\n", out);
    while (in && (c = fgetc(in)) != EOF)
        fputc(c, out);
    fprintf(out, "\ntrace: {file: %s}\n", trace);
    if (in)
        fclose(in);
    if (fclose(out) != 0)
        FAIL("%s: %s", path, strerror(errno));
    return path;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static json_int_t get_int(json_t *o, const char *key, const char *what)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_integer(v))
        FAIL("%s: '%s' is not an integer", what, key);
    return json_integer_value(v);
}

static const char *get_str(json_t *o, const char *key, const char *what)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_string(v))
        FAIL("%s: '%s' is not a string", what, key);
    return json_string_value(v);
}

static const char *const modules[] = { "main", "events", "geom", "stats", "store", "text" };
#define NMODULES (sizeof modules / sizeof modules[0])

/* A trace, read and checked against the format. */
static json_t *read_trace(const char *file)
{
    json_error_t e;
    json_t *t = json_load_file(file, JSON_REJECT_DUPLICATES, &e);
    json_t *mods, *edges, *app;

    if (!t)
        FAIL("%s: not JSON: %s (line %d)", file, e.text, e.line);
    if (strcmp(get_str(t, "format", file), "fracture-trace") != 0 ||
        get_int(t, "version", file) != 1 || get_int(t, "runs", file) != 1 ||
        get_int(t, "wall_ns", file) <= 0)
        FAIL("%s: not a fracture-trace version 1 of one run", file);
    app = json_object_get(t, "app");
    if (!json_is_object(app) || strcmp(get_str(app, "name", file), "sample") != 0 ||
        strlen(get_str(app, "id", file)) != 16 ||
        strspn(get_str(app, "id", file), "0123456789abcdef") != 16)
        FAIL("%s: app is not {\"name\": \"sample\", \"id\": 16 hex digits}", file);
    mods = json_object_get(t, "modules");
    if (!json_is_array(mods) || json_array_size(mods) != NMODULES)
        FAIL("%s: modules is not the table's %zu", file, NMODULES);
    for (size_t i = 0; i < NMODULES; i++) {
        json_t *m = json_array_get(mods, i);
        if (strcmp(get_str(m, "name", file), modules[i]) != 0 ||
            !json_is_array(json_object_get(m, "caps")) || get_int(m, "cpu_ns", file) < 0)
            FAIL("%s: module %zu is not %s with caps and cpu_ns", file, i, modules[i]);
    }
    edges = json_object_get(t, "edges");
    if (!json_is_array(edges) || json_array_size(edges) == 0)
        FAIL("%s: no edges", file);
    return t;
}

static json_t *find_edge(json_t *t, const char *from, const char *function, int callback)
{
    size_t i;
    json_t *e;

    json_array_foreach(json_object_get(t, "edges"), i, e)
        if (strcmp(get_str(e, "from", "edge"), from) == 0 &&
            strcmp(get_str(e, "function", "edge"), function) == 0 &&
            json_is_true(json_object_get(e, "callback")) == callback)
            return e;
    return NULL;
}

static json_int_t cpu_of(json_t *t, const char *module)
{
    size_t i;
    json_t *m;

    json_array_foreach(json_object_get(t, "modules"), i, m)
        if (strcmp(get_str(m, "name", "module"), module) == 0)
            return get_int(m, "cpu_ns", "module");
    return -1;
}

/* @b's edges are @a's, counts and all (with @from_only, only those whose
 * caller is that module). */
static void same_edges(json_t *a, json_t *b, const char *what, const char *from_only)
{
    static const char *const counts[] = { "calls", "bytes_in", "bytes_out", "fds" };
    size_t i, na = 0, nb = 0;
    json_t *e;

    json_array_foreach(json_object_get(a, "edges"), i, e) {
        const char *from = get_str(e, "from", "edge"), *fn = get_str(e, "function", "edge");
        json_t *o = find_edge(b, from, fn, json_is_true(json_object_get(e, "callback")));
        if (from_only && strcmp(from, from_only) != 0)
            continue;
        na++;
        if (!o)
            FAIL("%s: edge %s -> %s() of the all-in-one run is missing", what, from, fn);
        if (strcmp(get_str(e, "to", "edge"), get_str(o, "to", "edge")) != 0)
            FAIL("%s: edge %s -> %s() goes to another module", what, from, fn);
        for (size_t k = 0; k < sizeof counts / sizeof *counts; k++)
            if (get_int(e, counts[k], "edge") != get_int(o, counts[k], "edge"))
                FAIL("%s: edge %s -> %s(): %s %lld, all in one %lld", what, from, fn, counts[k],
                     (long long)get_int(o, counts[k], "edge"),
                     (long long)get_int(e, counts[k], "edge"));
    }
    json_array_foreach(json_object_get(b, "edges"), i, e)
        nb += !from_only || strcmp(get_str(e, "from", "edge"), from_only) == 0;
    if (na != nb)
        FAIL("%s: %zu edges, all in one %zu", what, nb, na);
}

/*
 * The calls the sample makes, counted from its source: main() calls
 * geom_init once, then 8 threads (id 0..7) each run do_geom, do_text,
 * do_store and do_events (main.c).  store_cursor_next runs over the
 * (id % 4 + 1) values of the first batch, plus the call that ends it:
 * sum 28.  on_event: events_fire(id, 4) calls it 4 times per thread (the
 * second fire finds no handler).  on_squares: one call per window of 3 of
 * id + 3 values: 1+2+2+2+3+3+3+4 = 20.  geom_centroid calls stats_mean
 * twice; store_describe calls text_upper once.  textfd_append runs twice
 * per thread, the second time on descriptor -1 (it fails with its
 * FR_ON_FAILURE value; the descriptor counts as passed).
 */
static const struct expect {
    const char *from, *function;
    int callback;
    long long calls, fds;
} expected[] = {
    { "main", "geom_init", 0, 1, 0 },
    { "main", "geom_dot", 0, 8, 0 },          { "main", "geom_scale", 0, 8, 0 },
    { "main", "geom_classify", 0, 8, 0 },     { "main", "geom_perimeter", 0, 8, 0 },
    { "main", "geom_translate", 0, 8, 0 },    { "main", "geom_sort_x", 0, 8, 0 },
    { "main", "geom_centroid", 0, 8, 0 },     { "main", "geom_hash", 0, 8, 0 },
    { "main", "geom_normalize", 0, 8, 0 },    { "main", "geom_length", 0, 8, 0 },
    { "main", "stats_mean", 0, 8, 0 },        { "geom", "stats_mean", 0, 16, 0 },
    { "main", "text_shape_name", 0, 8, 0 },   { "main", "text_count_vowels", 0, 8, 0 },
    { "main", "text_count_char", 0, 8, 0 },   { "main", "text_upper", 0, 8, 0 },
    { "main", "text_reverse", 0, 8, 0 },      { "main", "text_primes", 0, 8, 0 },
    { "main", "text_word_lengths", 0, 8, 0 }, { "main", "textfd_render", 0, 8, 8 },
    { "main", "textfd_append", 0, 16, 16 },   { "store", "text_upper", 0, 8, 0 },
    { "main", "store_open", 0, 8, 0 },        { "main", "store_put_batch", 0, 16, 0 },
    { "main", "store_get", 0, 16, 0 },        { "main", "store_name", 0, 8, 0 },
    { "main", "store_describe", 0, 8, 0 },    { "main", "store_cursor", 0, 8, 0 },
    { "main", "store_cursor_next", 0, 28, 0 }, { "main", "store_cursor_free", 0, 8, 0 },
    { "main", "store_close", 0, 8, 0 },
    { "main", "events_subscribe", 0, 8, 0 },  { "main", "events_fire", 0, 16, 0 },
    { "main", "events_unsubscribe", 0, 8, 0 }, { "main", "events_each_square", 0, 8, 0 },
    { "events", "on_event", 1, 32, 0 },       { "events", "on_squares", 1, 20, 0 },
};

static void check_source_counts(json_t *t, const char *what)
{
    size_t n = sizeof expected / sizeof *expected;

    if (json_array_size(json_object_get(t, "edges")) != n)
        FAIL("%s: %zu edges, the source makes %zu", what,
             json_array_size(json_object_get(t, "edges")), n);
    for (size_t i = 0; i < n; i++) {
        const struct expect *x = &expected[i];
        json_t *e = find_edge(t, x->from, x->function, x->callback);
        if (!e)
            FAIL("%s: no edge %s -> %s()%s", what, x->from, x->function,
                 x->callback ? " (callback)" : "");
        if (get_int(e, "calls", "edge") != x->calls || get_int(e, "fds", "edge") != x->fds ||
            get_int(e, "bytes_in", "edge") <= 0)
            FAIL("%s: %s -> %s(): %lld calls, %lld fds, %lld bytes in; the source makes %lld "
                 "calls passing %lld fds", what, x->from, x->function,
                 (long long)get_int(e, "calls", "edge"), (long long)get_int(e, "fds", "edge"),
                 (long long)get_int(e, "bytes_in", "edge"), x->calls, x->fds);
    }
    /* every module runs code of its own */
    for (size_t m = 0; m < NMODULES; m++)
        if (cpu_of(t, modules[m]) <= 0)
            FAIL("%s: module %s ran, but its cpu_ns is %lld", what, modules[m],
                 (long long)cpu_of(t, modules[m]));
}

/* One traced run of @prog under a copy of @src: same output as @plain,
 * exit 0, stderr empty (or holding @want_err); its trace, read. */
static json_t *traced_run(const char *prog, const char *src, const char *name,
                          const struct run *plain, const char *want_err)
{
    const char *trace = in_dir(name, ".json");
    struct run r;
    json_t *t;

    run(prog, traced_config(src, name, trace), &r);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
        FAIL("%s: status 0x%x: %s", name, r.status, r.err);
    if (r.out_len != plain->out_len || memcmp(r.out, plain->out, r.out_len) != 0)
        FAIL("%s: output differs from the plain build:\n--- plain\n%s--- traced\n%s", name,
             plain->out, r.out);
    if (want_err ? !strstr(r.err, want_err) : r.err_len != 0)
        FAIL("%s: stderr%s%s:\n%s", name, want_err ? " lacks " : "", want_err ? want_err : "",
             r.err);
    t = read_trace(trace);
    free(r.out);
    free(r.err);
    return t;
}

/* A trace to /dev/full: said, naming the file, and exit 1 where the run
 * would have exited 0; the program's output is unchanged. */
static void lost_trace(const char *prog, const char *src, const char *name,
                       const struct run *plain)
{
    struct run r;

    run(prog, traced_config(src, name, "/dev/full"), &r);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 1)
        FAIL("%s: a trace that cannot be written: status 0x%x, not exit 1", name, r.status);
    if (!strstr(r.err, "cannot write the trace to /dev/full: No space left on device"))
        FAIL("%s: stderr does not name the file and the error:\n%s", name, r.err);
    if (r.out_len != plain->out_len || memcmp(r.out, plain->out, r.out_len) != 0)
        FAIL("%s: output differs from the plain build", name);
    free(r.out);
    free(r.err);
}

int main(int argc, char **argv)
{
    struct run plain;
    json_t *aio;
    int fds_before, crash = 0, nsplit = 0;

    if (argc < 4) {
        fprintf(stderr, "usage: check_trace PLAIN FRACTURED SPLIT.yaml... [--crash "
                        "CRASH.yaml...]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    fds_before = count_fds();
    if (!mkdtemp(dir))
        FAIL("mkdtemp: %s", strerror(errno));
    atexit(remove_dir);

    run(argv[1], NULL, &plain);
    if (!WIFEXITED(plain.status) || WEXITSTATUS(plain.status) != 0 || plain.out_len < 100)
        FAIL("the plain build failed (status 0x%x): %s", plain.status, plain.err);

    aio = traced_run(argv[2], NULL, "all-in-one", &plain, NULL);
    check_source_counts(aio, "all in one");
    printf("all in one: %zu edges, the calls the source makes\n",
           json_array_size(json_object_get(aio, "edges")));
    for (int i = 3; i < argc; i++) {
        const char *name = base_name(argv[i]);
        json_t *t;
        if (strcmp(argv[i], "--crash") == 0) {
            crash = 1;
            continue;
        }
        t = traced_run(argv[2], argv[i], name, &plain, crash ? "restarted as pid" : NULL);
        if (strcmp(get_str(json_object_get(t, "app"), "id", name),
                   get_str(json_object_get(aio, "app"), "id", "all in one")) != 0)
            FAIL("%s: another app id than all in one", name);
        if (crash) {
            /* a replay may make a crashed call's own calls again; the
             * root's calls count once each, the crashed FMP's work is in */
            same_edges(aio, t, name, "main");
            if (cpu_of(t, "geom") <= 0)
                FAIL("%s: the crashed FMP's CPU is not in the trace", name);
            printf("%s: the root's edges equal all in one's, across a crash\n", name);
        } else {
            same_edges(aio, t, name, NULL);
            check_source_counts(t, name);
            nsplit++;
            printf("%s: the same edges and counts as all in one\n", name);
        }
        json_decref(t);
    }
    if (nsplit < 2)
        FAIL("only %d split configs: the property needs at least 2", nsplit);
    lost_trace(argv[2], NULL, "lost-all-in-one", &plain);
    lost_trace(argv[2], argv[3], "lost-split", &plain);
    printf("a trace that cannot be written: said, exit 1\n");

    json_decref(aio);
    free(plain.out);
    free(plain.err);
    expect_no_orphans(3);
    if (own_regions() != 0)
        FAIL("the driver maps a region");
    if (count_fds() != fds_before)
        FAIL("descriptors: %d before, %d after", fds_before, count_fds());
    printf("nothing left\n");
    return 0;
}
