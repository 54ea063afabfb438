/*
 * check_profile.c - end-to-end check of the profiler (`profile:`) on the
 * sample app, driven by CTest:
 *
 *   check_profile PLAIN FRACTURED SPLIT.yaml... [--crash CRASH.yaml...]
 *
 * Runs FRACTURED all in one and under each config, each with a `profile:`
 * added (copies in a temporary directory), and requires of every run:
 * stdout byte for byte the plain build's, exit 0, and a profile that is a
 * Chrome trace-event file (JSON Object Format: traceEvents, every event
 * with ph, ts, pid, tid and name; an "X" with a dur) whose
 *   - every process is named (process_name: an FMP of the config) and
 *     every thread (thread_name);
 *   - call spans ("call") are the same multiset of (function, status) as
 *     all in one's, which are the calls the source makes (check_trace.c
 *     counts them);
 *   - every call that succeeded has a flow ("s" on the call's track at its
 *     start, "f" on a serve of the same function at the serve's start) to
 *     a serve span that lies inside it in time (one clock in every FMP),
 *     in another process when the call crossed FMPs (after a crash, a
 *     replay's call fed from the log links, as "replay fed", to the
 *     earlier serve that answered the crashed incarnation's);
 *   - spans on one thread nest (none overlaps another but by containing
 *     it), and every serve of a callback (on_event, on_squares) lies inside
 *     the call of events_fire or events_each_square on its own thread.
 * Under a CRASH config (an FMP killed and restarted): main's calls are all
 * in one's, the restarted FMP has a track of each
 * incarnation ("NAME" and "NAME #2"), and the crashed incarnation's serves
 * are in the file.  A profile that cannot be written (/dev/full) is an
 * error naming the file, and the run exits 1.  A buffer too small for the
 * run drops spans and says how many.  Nothing outlives the runs.
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

static char dir[] = "/tmp/fr-profile-XXXXXX";
static char made[32][600];   /* the files a run may leave in dir */
static int nmade;

static const char *in_dir(const char *name, const char *ext)
{
    if (nmade == (int)(sizeof made / sizeof *made))
        FAIL("more files than the driver keeps track of");
    snprintf(made[nmade], sizeof made[nmade], "%s/%s%s", dir, name, ext);
    return made[nmade++];
}

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

/* A copy of @src (NULL: an empty config) with `profile: {file: @file}`
 * (and @extra inside the braces). */
static const char *profiled_config(const char *src, const char *name, const char *file,
                                   const char *extra)
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
    fprintf(out, "\nprofile: {file: %s%s}\n", file, extra ? extra : "");
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

/* ---- the file as the viewer reads it ----------------------------------- */

struct span {
    const char *name, *cat, *fmp, *from;   /* from: a call's caller module */
    long long pid, tid, status, depth;
    double ts, dur;
    int local, flows;
};

struct prof {
    json_t *root;
    struct span *s;
    size_t n;
};

static const char *str_of(json_t *o, const char *key, const char *what)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_string(v))
        FAIL("%s: '%s' is not a string", what, key);
    return json_string_value(v);
}

static long long int_of(json_t *o, const char *key, const char *what)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_integer(v))
        FAIL("%s: '%s' is not an integer", what, key);
    return json_integer_value(v);
}

static double num_of(json_t *o, const char *key, const char *what)
{
    json_t *v = json_object_get(o, key);

    if (!json_is_number(v))
        FAIL("%s: '%s' is not a number", what, key);
    return json_number_value(v);
}

/* Whether metadata event @name names (@pid, @tid: -1 any). */
static const char *meta_name(json_t *evs, const char *name, long long pid, long long tid)
{
    size_t i;
    json_t *e;

    json_array_foreach(evs, i, e)
        if (strcmp(str_of(e, "ph", "event"), "M") == 0 &&
            strcmp(str_of(e, "name", "event"), name) == 0 &&
            int_of(e, "pid", "event") == pid && (tid < 0 || int_of(e, "tid", "event") == tid))
            return str_of(json_object_get(e, "args"), "name", name);
    return NULL;
}

/* The innermost span on (@pid, @tid) that starts at @ts exactly. */
static struct span *span_at(struct prof *p, long long pid, long long tid, double ts,
                            const char *cat)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->s[i].pid == pid && p->s[i].tid == tid && p->s[i].ts == ts &&
            strcmp(p->s[i].cat, cat) == 0)
            return &p->s[i];
    return NULL;
}

static int inside(const struct span *in, const struct span *out)
{
    /* us with 3 decimals: ns exact, rounding aside */
    return in->ts >= out->ts - 0.0005 && in->ts + in->dur <= out->ts + out->dur + 0.0015;
}

static struct prof read_profile(const char *file, const char *what)
{
    json_error_t err;
    json_t *t = json_load_file(file, JSON_REJECT_DUPLICATES, &err), *evs, *e;
    struct prof p = { t, NULL, 0 };
    size_t i;

    if (!t)
        FAIL("%s: %s: not JSON: %s (line %d)", what, file, err.text, err.line);
    evs = json_object_get(t, "traceEvents");
    if (!json_is_array(evs) || !json_is_string(json_object_get(t, "displayTimeUnit")))
        FAIL("%s: not the JSON Object Format (traceEvents, displayTimeUnit)", what);
    if (strcmp(str_of(json_object_get(t, "otherData"), "format", what), "fracture-profile") != 0)
        FAIL("%s: otherData.format is not fracture-profile", what);
    p.s = calloc(json_array_size(evs) + 1, sizeof *p.s);
    if (!p.s)
        FAIL("out of memory");
    json_array_foreach(evs, i, e) {
        const char *ph = str_of(e, "ph", what);
        (void)str_of(e, "name", what);
        (void)num_of(e, "ts", what);
        long long pid = int_of(e, "pid", what), tid = int_of(e, "tid", what);
        if (strcmp(ph, "M") == 0 || strcmp(ph, "s") == 0 || strcmp(ph, "f") == 0 ||
            strcmp(ph, "i") == 0)
            continue;
        if (strcmp(ph, "X") != 0)
            FAIL("%s: an event of phase '%s'", what, ph);
        json_t *a = json_object_get(e, "args");
        struct span *s = &p.s[p.n++];
        *s = (struct span){ str_of(e, "name", what), str_of(e, "cat", what),
                            str_of(a, "fmp", what),
                            json_is_string(json_object_get(a, "caller_module"))
                                ? json_string_value(json_object_get(a, "caller_module"))
                                : NULL,
                            pid, tid, int_of(a, "status", what),
                            int_of(a, "depth", what), num_of(e, "ts", what),
                            num_of(e, "dur", what), json_is_true(json_object_get(a, "local")),
                            0 };
        if (s->dur < 0 || (strcmp(s->cat, "call") != 0 && strcmp(s->cat, "serve") != 0) ||
            (strcmp(s->cat, "call") == 0 && !s->from))
            FAIL("%s: span %s: cat %s, dur %f", what, s->name, s->cat, s->dur);
        if (!meta_name(evs, "process_name", pid, -1))
            FAIL("%s: process %lld has no process_name", what, pid);
        if (!meta_name(evs, "thread_name", pid, tid))
            FAIL("%s: thread %lld of %lld has no thread_name", what, tid, pid);
        if (strcmp(meta_name(evs, "process_name", pid, -1), s->fmp) != 0 &&
            strncmp(meta_name(evs, "process_name", pid, -1), s->fmp, strlen(s->fmp)) != 0)
            FAIL("%s: process %lld is named %s, its spans are FMP %s's", what, pid,
                 meta_name(evs, "process_name", pid, -1), s->fmp);
    }
    /* flows: "s" on a call's start, "f" on a serve's, ids in pairs */
    json_array_foreach(evs, i, e) {
        const char *ph = str_of(e, "ph", what);
        size_t j;
        json_t *g;
        if (strcmp(ph, "s") != 0)
            continue;
        long long id = int_of(e, "id", what);
        struct span *c = span_at(&p, int_of(e, "pid", what), int_of(e, "tid", what),
                                 num_of(e, "ts", what), "call"),
                    *sv = NULL;
        if (!c)
            FAIL("%s: flow %lld starts on no call", what, id);
        json_array_foreach(evs, j, g)
            if (strcmp(str_of(g, "ph", what), "f") == 0 && int_of(g, "id", what) == id) {
                if (sv || !json_is_string(json_object_get(g, "bp")))
                    FAIL("%s: flow %lld has two ends, or one with no bind point", what, id);
                sv = span_at(&p, int_of(g, "pid", what), int_of(g, "tid", what),
                             num_of(g, "ts", what), "serve");
                if (!sv)
                    FAIL("%s: flow %lld ends on no serve", what, id);
            }
        if (!sv || strcmp(sv->name, c->name) != 0)
            FAIL("%s: flow %lld from %s() ends on %s", what, id, c->name, sv ? sv->name : "nothing");
        /* a replay's call fed from the log links to the serve before it */
        if (strcmp(str_of(e, "name", what), "replay fed") == 0) {
            if (sv->ts >= c->ts)
                FAIL("%s: flow %lld from %s(), fed to a replay, to a later serve", what, id,
                     c->name);
            continue;
        }
        if (strcmp(str_of(e, "name", what), "call") != 0)
            FAIL("%s: flow %lld is named %s", what, id, str_of(e, "name", what));
        if (!inside(sv, c))
            FAIL("%s: %s(): the serve [%f +%f] is not inside its call [%f +%f] (one clock)",
                 what, c->name, sv->ts, sv->dur, c->ts, c->dur);
        if (!c->local && sv->pid == c->pid)
            FAIL("%s: %s() crossed FMPs, but its serve is in the caller's process", what,
                 c->name);
        c->flows++;
    }
    return p;
}

/* Spans on one thread nest; a callback's serve is inside the call that
 * made it happen. */
static void check_nesting(struct prof *p, const char *what)
{
    size_t ncb = 0;

    for (size_t i = 0; i < p->n; i++) {
        struct span *a = &p->s[i];
        int cb = strcmp(a->cat, "serve") == 0 &&
                 (strcmp(a->name, "on_event") == 0 || strcmp(a->name, "on_squares") == 0);
        int in_fire = 0;
        for (size_t j = 0; j < p->n; j++) {
            struct span *b = &p->s[j];
            if (i == j || a->pid != b->pid || a->tid != b->tid)
                continue;
            double ae = a->ts + a->dur, be = b->ts + b->dur;
            if (a->ts < b->ts && ae > b->ts && ae < be - 0.0015 && !inside(a, b) && !inside(b, a))
                FAIL("%s: %s %s() [%f, %f] and %s %s() [%f, %f] overlap on thread %lld", what,
                     a->cat, a->name, a->ts, ae, b->cat, b->name, b->ts, be, a->tid);
            if (cb && strcmp(b->cat, "call") == 0 &&
                (strcmp(b->name, "events_fire") == 0 ||
                 strcmp(b->name, "events_each_square") == 0) && inside(a, b))
                in_fire = 1;
        }
        if (cb && !in_fire)
            FAIL("%s: callback %s() at %f is inside no events call on its thread", what,
                 a->name, a->ts);
        ncb += cb;
    }
    if (ncb != 52)   /* on_event 32, on_squares 20 (check_trace.c) */
        FAIL("%s: %zu callback serves, the source makes 52", what, ncb);
}

/* Every call that returned 0 has a flow to its serve. */
static void check_flows(struct prof *p, const char *what)
{
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->s[i].cat, "call") == 0 && p->s[i].status == 0 && p->s[i].flows != 1)
            FAIL("%s: call %s() at %f has %d flows to a serve, not 1", what, p->s[i].name,
                 p->s[i].ts, p->s[i].flows);
}

static int by_name_status(const void *a, const void *b)
{
    const struct span *x = *(struct span *const *)a, *y = *(struct span *const *)b;
    int c = strcmp(x->name, y->name);

    return c ? c : (x->status > y->status) - (x->status < y->status);
}

/* The calls of @p (only main's with @top) by
 * (function, status), sorted; *@n of them. */
static struct span **calls_of(struct prof *p, int top, size_t *n)
{
    struct span **v = calloc(p->n + 1, sizeof *v);

    *n = 0;
    for (size_t i = 0; i < p->n; i++)
        if (strcmp(p->s[i].cat, "call") == 0 &&
            (!top || (p->s[i].from && strcmp(p->s[i].from, "main") == 0)))
            v[(*n)++] = &p->s[i];
    qsort(v, *n, sizeof *v, by_name_status);
    return v;
}

static void same_calls(struct prof *a, struct prof *b, int top, const char *what)
{
    size_t na, nb;
    struct span **x = calls_of(a, top, &na), **y = calls_of(b, top, &nb);

    for (size_t i = 0; i < na && i < nb; i++)
        if (by_name_status(&x[i], &y[i]) != 0)
            FAIL("%s: call %zu is %s() = %lld, all in one's %s() = %lld", what, i, y[i]->name,
                 y[i]->status, x[i]->name, x[i]->status);
    if (na != nb)
        FAIL("%s: %zu calls, all in one %zu", what, nb, na);
    free(x);
    free(y);
}

static void prof_free(struct prof *p)
{
    json_decref(p->root);
    free(p->s);
}

/* One profiled run: same output as @plain, exit 0, stderr empty (or
 * holding @want_err); its profile, read and checked. */
static struct prof profiled_run(const char *prog, const char *src, const char *name,
                                const struct run *plain, const char *want_err)
{
    const char *file = in_dir(name, ".json");
    struct run r;
    struct prof p;

    run(prog, profiled_config(src, name, file, NULL), &r);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
        FAIL("%s: status 0x%x: %s", name, r.status, r.err);
    if (r.out_len != plain->out_len || memcmp(r.out, plain->out, r.out_len) != 0)
        FAIL("%s: output differs from the plain build", name);
    if (want_err ? !strstr(r.err, want_err) : r.err_len != 0)
        FAIL("%s: stderr%s%s:\n%s", name, want_err ? " lacks " : "", want_err ? want_err : "",
             r.err);
    p = read_profile(file, name);
    check_nesting(&p, name);
    free(r.out);
    free(r.err);
    return p;
}

/* The restarted FMP @fmp: a track per incarnation, the first one's serves
 * up to its crash in the file. */
static void check_crash(struct prof *p, const char *fmp, const char *what)
{
    json_t *evs = json_object_get(p->root, "traceEvents"), *e;
    char second[80];
    long long first_pid = -1;
    size_t i, serves = 0, has_second = 0;

    snprintf(second, sizeof second, "%s #2", fmp);
    json_array_foreach(evs, i, e)
        if (strcmp(str_of(e, "ph", what), "M") == 0 &&
            strcmp(str_of(e, "name", what), "process_name") == 0) {
            const char *n = str_of(json_object_get(e, "args"), "name", what);
            if (strcmp(n, fmp) == 0)
                first_pid = int_of(e, "pid", what);
            has_second += strcmp(n, second) == 0;
        }
    if (first_pid < 0 || !has_second)
        FAIL("%s: no tracks '%s' and '%s'", what, fmp, second);
    for (size_t k = 0; k < p->n; k++)
        serves += p->s[k].pid == first_pid && strcmp(p->s[k].cat, "serve") == 0;
    if (serves < 30)   /* it crashes after its 30th reply */
        FAIL("%s: the crashed incarnation has %zu serves in the file, not its 30", what,
             serves);
}

int main(int argc, char **argv)
{
    struct run plain, r;
    struct prof aio;
    int fds_before, crash = 0, nsplit = 0;

    if (argc < 4) {
        fprintf(stderr, "usage: check_profile PLAIN FRACTURED SPLIT.yaml... [--crash "
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

    aio = profiled_run(argv[2], NULL, "all-in-one", &plain, NULL);
    check_flows(&aio, "all in one");
    printf("all in one: %zu spans, every call linked to its serve, nested\n", aio.n);
    for (int i = 3; i < argc; i++) {
        const char *name = base_name(argv[i]);
        struct prof p;
        if (strcmp(argv[i], "--crash") == 0) {
            crash = 1;
            continue;
        }
        p = profiled_run(argv[2], argv[i], name, &plain, crash ? "restarted as pid" : NULL);
        if (crash) {
            same_calls(&aio, &p, 1, name);
            check_crash(&p, "geometry", name);
            printf("%s: main's calls are all in one's, both incarnations' tracks\n", name);
        } else {
            same_calls(&aio, &p, 0, name);
            check_flows(&p, name);
            nsplit++;
            printf("%s: the same calls as all in one, every one linked to its serve\n", name);
        }
        prof_free(&p);
    }
    if (nsplit < 2)
        FAIL("only %d split configs: the property needs at least 2", nsplit);

    /* a buffer too small: the first spans kept, the rest dropped and said */
    const char *small = in_dir("small", ".json");
    run(argv[2], profiled_config(NULL, "small", small, ", events: 100"), &r);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
        FAIL("small buffer: status 0x%x: %s", r.status, r.err);
    {
        struct prof p = read_profile(small, "small buffer");
        json_t *d = json_object_get(json_object_get(p.root, "otherData"), "dropped_spans");
        json_int_t want = (json_int_t)aio.n - 100;
        if (p.n != 100 || int_of(d, "root", "dropped_spans") != want)
            FAIL("small buffer: %zu spans kept, %lld dropped; want 100 and %lld", p.n,
                 (long long)json_integer_value(json_object_get(d, "root")), (long long)want);
        prof_free(&p);
    }
    free(r.out);
    free(r.err);
    printf("a full buffer: 100 spans kept, %zu dropped and said\n", aio.n - 100);

    /* a profile that cannot be written: said, exit 1 */
    run(argv[2], profiled_config(argv[3], "lost", "/dev/full", NULL), &r);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 1 ||
        !strstr(r.err, "cannot write the profile to /dev/full: No space left on device"))
        FAIL("a profile to /dev/full: status 0x%x, stderr:\n%s", r.status, r.err);
    if (r.out_len != plain.out_len || memcmp(r.out, plain.out, r.out_len) != 0)
        FAIL("a profile to /dev/full: output differs from the plain build");
    free(r.out);
    free(r.err);
    printf("a profile that cannot be written: said, exit 1\n");

    prof_free(&aio);
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
