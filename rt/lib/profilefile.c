/*
 * profilefile.c - the profile file: at the program's end the root reads
 * every FMP's span buffer (profile.c), the children's included (stopped
 * by then, or crashed: their buffers hold what they finished), links each
 * call to the serves of it by their key, and writes the Chrome trace-event
 * file profilefile.h describes.  Records are copied out of the buffers
 * and checked first: a child's wrong record is left out, never followed.
 *
 * As with the trace file, a profile that cannot be written is an error on
 * stderr naming the file, and a run that would have exited 0 exits 1.
 */
#include "profilefile.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "slurp.h"
#include "profile.h"
#include "state.h"

static struct {
    char *path;               /* absolute (malloc, for the life of the process) */
    pid_t root;
    int done;
} out;

struct ev {
    struct fr_prof_rec r;     /* a copy, checked */
    int fmp;                  /* the buffer it came from */
};

/* A process that recorded: an incarnation of an FMP (or a process the
 * program forked in it). */
struct proc {
    int pid, fmp, nth;        /* nth: 1 for the first of its FMP */
    int64_t first;
};

/* A thread that recorded. */
struct thr {
    int pid, tid;
    int served;               /* it served a request of another FMP */
    int has_lt;               /* it made a call to another FMP */
    uint32_t lt;              /* the logical thread of the first of either */
};

/* A call's place, to find it by key. */
struct callref {
    uint64_t key;
    size_t ev;
};

static int by_key(const void *a, const void *b)
{
    const struct callref *x = a, *y = b;

    return x->key < y->key ? -1 : x->key > y->key;
}

static int by_pid(const void *a, const void *b)
{
    const struct proc *x = a, *y = b;

    return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int by_fmp_first(const void *a, const void *b)
{
    const struct proc *x = a, *y = b;

    if (x->fmp != y->fmp)
        return x->fmp < y->fmp ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int by_thread(const void *a, const void *b)
{
    const struct thr *x = a, *y = b;

    if (x->pid != y->pid)
        return x->pid < y->pid ? -1 : 1;
    return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* Whether record @r is one the file can hold. */
static int valid(const struct fr_prof_rec *r)
{
    const struct fr_app *app = fr__rt.app;

    return r->ready == FR_PROF_READY && (r->kind == FR_PROF_CALL || r->kind == FR_PROF_SERVE) &&
           r->fn < app->nfunctions && r->pid > 0 && r->tid > 0 && r->t0 >= 0 && r->t1 >= r->t0 &&
           (r->kind == FR_PROF_SERVE || (r->from >= 0 && (unsigned)r->from < app->nmodules));
}

static const char *fmp_name(int k)
{
    return k >= 0 && k < fr__rt.nfmps ? fr__rt.fmps[k].name : "?";
}

/* Events written so far: the first has no comma before it. */
static size_t nwritten;

static void next_event(FILE *f)
{
    fputs(nwritten++ ? ",\n" : "\n", f);
}

/*
 * The spans and flows, the bulk of a file, are formatted by hand into a
 * buffer written a few KiB at a time: fprintf's parsing, several calls an
 * event, made the file's writing at exit cost about 7,000 instructions an
 * event.
 */
struct out {
    FILE *f;
    size_t n;
    char b[4096];
};

static void o_flush(struct out *o)
{
    if (o->n)
        fwrite(o->b, 1, o->n, o->f);
    o->n = 0;
}

static void o_raw(struct out *o, const char *s, size_t len)
{
    if (len > sizeof o->b - o->n)
        o_flush(o);
    if (len > sizeof o->b) {
        fwrite(s, 1, len, o->f);
        return;
    }
    memcpy(o->b + o->n, s, len);
    o->n += len;
}

#define O_LIT(o, s) o_raw(o, s, sizeof(s) - 1)

static void o_char(struct out *o, char c)
{
    if (o->n == sizeof o->b)
        o_flush(o);
    o->b[o->n++] = c;
}

/* @s as a JSON string literal (fr__json_string's escapes). */
static void o_str(struct out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";

    o_char(o, '"');
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\') {
            o_char(o, '\\');
            o_char(o, (char)*p);
        } else if (*p < 0x20) {
            char u[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
            o_raw(o, u, sizeof u);
        } else {
            o_char(o, (char)*p);
        }
    }
    o_char(o, '"');
}

static void o_i64(struct out *o, int64_t v)
{
    char d[24];
    int k = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

    do
        d[k++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    if (v < 0)
        o_char(o, '-');
    while (k)
        o_char(o, d[--k]);
}

/* ns on CLOCK_MONOTONIC as trace-event us (three decimals); @ns >= 0. */
static void o_us(struct out *o, int64_t ns)
{
    int r = (int)(ns % 1000);

    o_i64(o, ns / 1000);
    o_char(o, '.');
    o_char(o, (char)('0' + r / 100));
    o_char(o, (char)('0' + r / 10 % 10));
    o_char(o, (char)('0' + r % 10));
}

static void o_next(struct out *o)
{
    if (nwritten++)
        o_char(o, ',');
    o_char(o, '\n');
}

static void put_span(struct out *o, const struct ev *e)
{
    const struct fr_function *fn = &fr__rt.app->functions[e->r.fn];
    int call = e->r.kind == FR_PROF_CALL;

    o_next(o);
    O_LIT(o, "{\"ph\":\"X\",\"name\":");
    o_str(o, fn->name);
    if (call)
        O_LIT(o, ",\"cat\":\"call\",\"pid\":");
    else
        O_LIT(o, ",\"cat\":\"serve\",\"pid\":");
    o_i64(o, e->r.pid);
    O_LIT(o, ",\"tid\":");
    o_i64(o, e->r.tid);
    O_LIT(o, ",\"ts\":");
    o_us(o, e->r.t0);
    O_LIT(o, ",\"dur\":");
    o_us(o, e->r.t1 - e->r.t0);
    O_LIT(o, ",\"args\":{\"module\":");
    o_str(o, fr__rt.app->modules[fn->module].name);
    if (call) {
        O_LIT(o, ",\"caller_module\":");
        o_str(o, fr__rt.app->modules[e->r.from].name);
        O_LIT(o, ",\"callee_fmp\":");
    } else {
        O_LIT(o, ",\"caller_fmp\":");
    }
    o_str(o, fmp_name(e->r.peer));
    O_LIT(o, ",\"fmp\":");
    o_str(o, fmp_name(e->fmp));
    O_LIT(o, ",\"lt\":");
    o_i64(o, e->r.lt);
    O_LIT(o, ",\"depth\":");
    o_i64(o, e->r.depth);
    O_LIT(o, ",\"status\":");
    o_i64(o, e->r.status);
    if (e->r.local)
        O_LIT(o, ",\"local\":true}}");
    else
        O_LIT(o, ",\"local\":false}}");
}

static void put_flow_end(struct out *o, const char *ph, const char *name, uint64_t id,
                         const struct ev *e)
{
    o_next(o);
    O_LIT(o, "{\"ph\":");
    o_raw(o, ph, strlen(ph));
    O_LIT(o, ",\"name\":");
    o_str(o, name);
    O_LIT(o, ",\"cat\":\"flow\",\"id\":");
    o_i64(o, (int64_t)id);
    O_LIT(o, ",\"pid\":");
    o_i64(o, e->r.pid);
    O_LIT(o, ",\"tid\":");
    o_i64(o, e->r.tid);
    O_LIT(o, ",\"ts\":");
    o_us(o, e->r.t0);
    o_char(o, '}');
}

static void put_flow(struct out *o, uint64_t id, const struct ev *call, const struct ev *serve)
{
    /* A replay's outward call fed from the log of the incarnation that
     * crashed has the place, and so the key, of the call that incarnation
     * made: it links to the serve that answered that one, before it. */
    const char *name = serve->r.t0 >= call->r.t0 && serve->r.t1 <= call->r.t1 ? "call" : "replay fed";

    put_flow_end(o, "\"s\"", name, id, call);
    put_flow_end(o, "\"f\",\"bp\":\"e\"", name, id, serve);
}

/* ns on CLOCK_MONOTONIC as trace-event us. */
static void put_us(FILE *f, const char *key, int64_t ns)
{
    fprintf(f, ",\"%s\":%" PRId64 ".%03d", key, ns / 1000, (int)(ns % 1000));
}

static void put_meta(FILE *f, const char *what, int pid, int tid, const char *key, const char *s,
                     long n)
{
    next_event(f);
    fprintf(f, "{\"ph\":\"M\",\"name\":\"%s\",\"pid\":%d,\"tid\":%d,\"ts\":0,\"args\":{\"%s\":",
            what, pid, tid, key);
    if (s)
        fr__json_string(f, s);
    else
        fprintf(f, "%ld", n);
    fputs("}}", f);
}

/* The processes of @ev[0..n) (one per pid, with its FMP's incarnation
 * number) and of the FMPs that recorded nothing but run: *@np of them. */
static struct proc *procs_of(const struct ev *ev, size_t n, size_t *np)
{
    size_t cap = n + (size_t)fr__rt.nfmps, k = 0;
    struct proc *p = calloc(cap ? cap : 1, sizeof *p);

    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++)
        p[k++] = (struct proc){ ev[i].r.pid, ev[i].fmp, 0, ev[i].r.t0 };
    qsort(p, k, sizeof *p, by_pid);
    size_t u = 0;
    for (size_t i = 0; i < k; i++) {
        if (u && p[u - 1].pid == p[i].pid) {
            if (p[i].first < p[u - 1].first)
                p[u - 1].first = p[i].first;
            continue;
        }
        p[u++] = p[i];
    }
    /* an FMP with no span still has its track */
    for (int f = 0; f < fr__rt.nfmps; f++) {
        int pid = f == 0 ? (int)out.root : (int)fr__rt.fmps[f].pid, seen = 0;
        for (size_t i = 0; i < u && !seen; i++)
            seen = p[i].fmp == f;
        if (!seen && pid > 0)
            p[u++] = (struct proc){ pid, f, 0, INT64_MAX };
    }
    qsort(p, u, sizeof *p, by_fmp_first);
    for (size_t i = 0; i < u; i++)
        p[i].nth = i && p[i - 1].fmp == p[i].fmp ? p[i - 1].nth + 1 : 1;
    *np = u;
    return p;
}

static struct thr *threads_of(const struct ev *ev, size_t n, size_t *nt)
{
    struct thr *t = calloc(n ? n : 1, sizeof *t);
    size_t u = 0;

    if (!t)
        return NULL;
    for (size_t i = 0; i < n; i++)
        t[i] = (struct thr){ ev[i].r.pid, ev[i].r.tid,
                             ev[i].r.kind == FR_PROF_SERVE && !ev[i].r.local, !ev[i].r.local,
                             ev[i].r.lt };
    qsort(t, n, sizeof *t, by_thread);
    for (size_t i = 0; i < n; i++) {
        if (u && t[u - 1].pid == t[i].pid && t[u - 1].tid == t[i].tid) {
            if (t[i].served && !t[u - 1].served) {
                t[u - 1].served = 1;
                t[u - 1].lt = t[i].lt;
            } else if (t[i].has_lt && !t[u - 1].has_lt) {
                t[u - 1].has_lt = 1;
                t[u - 1].lt = t[i].lt;
            }
            continue;
        }
        t[u++] = t[i];
    }
    *nt = u;
    return t;
}

int fr__prof_json(FILE *f)
{
    size_t n = 0, ncalls = 0, np = 0, nt = 0, nkeys = 0;
    uint64_t *dropped = calloc((size_t)fr__prof_nbufs() + 1, sizeof *dropped), flows = 0;
    struct ev *ev = NULL;
    struct callref *calls = NULL;
    struct proc *procs = NULL;
    struct thr *thr = NULL;
    int rc = -ENOMEM;

    if (!dropped)
        return -ENOMEM;
    for (int k = 0; k < fr__prof_nbufs(); k++) {
        const struct fr_prof_rec *r;
        uint64_t m;
        if (fr__prof_records(k, &r, &m, &dropped[k]) == 0)
            n += (size_t)m;
    }
    ev = calloc(n ? n : 1, sizeof *ev);
    if (!ev)
        goto out_free;
    n = 0;
    for (int k = 0; k < fr__prof_nbufs(); k++) {
        const struct fr_prof_rec *r;
        uint64_t m, d;
        if (fr__prof_records(k, &r, &m, &d) < 0)
            continue;
        for (uint64_t i = 0; i < m; i++) {
            struct ev e = { .r = r[i], .fmp = k };
            e.r.ready = atomic_load_explicit(&r[i].ready, memory_order_acquire);
            if (!valid(&e.r))
                continue;     /* never finished (a crash in the middle), or not ours */
            if (e.r.peer < 0 || e.r.peer >= fr__rt.nfmps)
                e.r.peer = -1;
            if (e.r.k.nkeys > FR_PROF_KEYS_MAX)
                e.r.k.nkeys = FR_PROF_KEYS_MAX;
            ev[n++] = e;
        }
    }
    for (size_t i = 0; i < n; i++)
        nkeys += ev[i].r.kind == FR_PROF_CALL ? ev[i].r.k.nkeys : 0;
    calls = calloc(nkeys ? nkeys : 1, sizeof *calls);
    procs = procs_of(ev, n, &np);
    thr = threads_of(ev, n, &nt);
    if (!calls || !procs || !thr)
        goto out_free;
    for (size_t i = 0; i < n; i++)
        for (unsigned j = 0; ev[i].r.kind == FR_PROF_CALL && j < ev[i].r.k.nkeys; j++)
            calls[ncalls++] = (struct callref){ fr__prof_key_at(&ev[i].r.k, j), i };
    qsort(calls, ncalls, sizeof *calls, by_key);

    fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"format\":\"fracture-profile\","
          "\"version\":1,\"clock\":\"CLOCK_MONOTONIC\",\"dropped_spans\":{", f);
    for (int k = 0, first = 1; k < fr__prof_nbufs(); k++)
        if (dropped[k]) {
            fputs(first ? "" : ",", f);
            fr__json_string(f, fmp_name(k));
            fprintf(f, ":%" PRIu64, dropped[k]);
            first = 0;
        }
    fputs("}},\n\"traceEvents\":[", f);
    nwritten = 0;
    for (size_t i = 0; i < np; i++) {
        char name[FR_FMP_NAME_MAX + 24];
        if (procs[i].nth > 1)
            snprintf(name, sizeof name, "%s #%d", fmp_name(procs[i].fmp), procs[i].nth);
        else
            snprintf(name, sizeof name, "%s", fmp_name(procs[i].fmp));
        put_meta(f, "process_name", procs[i].pid, 0, "name", name, 0);
        put_meta(f, "process_sort_index", procs[i].pid, 0, "sort_index", NULL,
                 (long)procs[i].fmp * 1000 + procs[i].nth);
    }
    for (size_t i = 0; i < nt; i++) {
        char name[48];
        if (thr[i].tid == thr[i].pid)
            snprintf(name, sizeof name, "main");
        else if (thr[i].served)
            snprintf(name, sizeof name, "worker of logical thread %" PRIu32, thr[i].lt);
        else if (thr[i].has_lt)
            snprintf(name, sizeof name, "thread %d, logical thread %" PRIu32, thr[i].tid,
                     thr[i].lt);
        else
            snprintf(name, sizeof name, "thread %d", thr[i].tid);
        put_meta(f, "thread_name", thr[i].pid, thr[i].tid, "name", name, 0);
    }
    struct out *o = malloc(sizeof *o);
    if (!o) {
        rc = -ENOMEM;
        goto out_free;
    }
    o->f = f;
    o->n = 0;
    for (size_t i = 0; i < n; i++)
        put_span(o, &ev[i]);
    /* each serve to the call of its key: its caller, when the halves agree
     * on who called whom (a key is a hash) */
    for (size_t i = 0; i < n; i++) {
        const struct ev *s = &ev[i];
        struct callref want = { fr__prof_key_at(&s->r.k, 0), 0 }, *c;
        if (s->r.kind != FR_PROF_SERVE)
            continue;
        c = bsearch(&want, calls, ncalls, sizeof *calls, by_key);
        while (c && c > calls && c[-1].key == want.key)
            c--;
        for (; c && c < calls + ncalls && c->key == want.key; c++) {
            const struct ev *call = &ev[c->ev];
            if (call->r.local != s->r.local || call->r.fn != s->r.fn ||
                (!s->r.local && (s->r.peer != call->fmp || call->r.peer < 0)))
                continue;
            put_flow(o, ++flows, call, s);
        }
    }
    o_flush(o);
    free(o);
    for (int k = 0; k < fr__prof_nbufs(); k++) {
        int pid = 0;
        int64_t last = 0;
        if (!dropped[k])
            continue;
        for (size_t i = 0; i < np; i++)
            if (procs[i].fmp == k && !pid)
                pid = procs[i].pid;
        for (size_t i = 0; i < n; i++)
            if (ev[i].fmp == k && ev[i].r.t1 > last)
                last = ev[i].r.t1;
        next_event(f);
        fprintf(f, "{\"ph\":\"i\",\"s\":\"p\",\"name\":\"dropped %" PRIu64 " spans\","
                "\"cat\":\"profiler\",\"pid\":%d,\"tid\":%d", dropped[k], pid, pid);
        put_us(f, "ts", last);
        fprintf(f, ",\"args\":{\"dropped\":%" PRIu64 "}}", dropped[k]);
    }
    fputs("\n]}\n", f);
    rc = ferror(f) ? -EIO : 0;
out_free:
    free(dropped);
    free(ev);
    free(calls);
    free(procs);
    free(thr);
    return rc;
}

static int write_file(void)
{
    FILE *f = fopen(out.path, "we");
    int rc;

    if (!f)
        return -errno;
    rc = fr__prof_json(f);
    if (fflush(f) != 0)
        rc = -errno;          /* the cause (ENOSPC), rather than -EIO */
    if (fclose(f) != 0 && rc == 0)
        rc = -errno;
    return rc;
}

int fr__prof_file_finish(void)
{
    int rc;

    if (out.done || !out.path)
        return 0;
    out.done = 1;
    rc = write_file();
    if (rc < 0)
        fprintf(stderr, "fracture: error: cannot write the profile to %s: %s; the run's "
                "spans are lost\n", out.path, strerror(-rc));
    return rc;
}

/* At exit (on_exit): a lost profile turns a status 0 into 1. */
static void at_exit(int status, void *arg)
{
    (void)arg;
    if (getpid() != out.root)
        return;               /* a process the program forked, exiting */
    if (fr__prof_file_finish() < 0 && status == 0) {
        fflush(NULL);
        _exit(1);
    }
}

int fr__prof_file_start(const char *path)
{
    int rc = fr__path_abs(path, &out.path);

    if (rc < 0)
        return rc;
    out.root = getpid();
    if (on_exit(at_exit, NULL) != 0)
        return -ENOMEM;
    return 0;
}
