/*
 * tracefile.c - the trace file: at the program's end the root sums every
 * FMP's counters (trace.c), the children's included (stopped by then, or
 * crashed: their areas hold what they counted), and writes the JSON object
 * of partition/README.md.  An existing file is overwritten (truncated and
 * written again: a trace is one run's; add traces up with the partitioner).
 *
 * A trace that cannot be written is an error on stderr naming the file,
 * and a run that would have exited 0 exits 1: a training run whose trace
 * is lost must not look like one that worked.  Any other status is left
 * as the program made it.
 */
#include "tracefile.h"

#include "channel.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "diag.h"
#include "slurp.h"
#include "state.h"
#include "trace.h"

uint64_t fr__fnv1a(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;

    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
    s = s ? s : "";
    return fr__fnv1a(h, s, strlen(s) + 1);
}

static uint64_t hash_u32(uint64_t h, uint32_t v)
{
    unsigned char le[4] = { (unsigned char)v, (unsigned char)(v >> 8),
                            (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

    return fr__fnv1a(h, le, sizeof le);
}

uint64_t fr__trace_app_id(const struct fr_app *app)
{
    uint64_t h = FR_FNV1A_BASIS;

    for (unsigned m = 0; m < app->nmodules; m++)
        h = hash_u32(hash_str(h, app->modules[m].name), app->modules[m].caps);
    for (unsigned i = 0; i < app->nfunctions; i++) {
        const struct fr_function *f =
            app->functions ? &app->functions[i] : app->function_list[i];
        h = hash_u32(hash_u32(hash_str(h, f->name), f->module), f->flags);
    }
    return h;
}

static uint64_t json_int(uint64_t v)
{
    return v > INT64_MAX ? INT64_MAX : v;
}

static const struct fr_function *fn_of(const struct fr_app *app, unsigned i)
{
    return app->functions ? &app->functions[i] : app->function_list[i];
}

static void caps_json(FILE *f, unsigned caps)
{
    int n = 0;

    fputc('[', f);
    for (size_t i = 0; i < FR__NCAPS; i++)
        if (caps & fr__caps[i].bit)
            fprintf(f, "%s\"%s\"", n++ ? ", " : "", fr__caps[i].adj);
    fputc(']', f);
}

int fr__trace_json(FILE *f, const struct fr_trace_sum *s)
{
    const struct fr_app *app = s->app;
    int first = 1;

    fputs("{\n  \"format\": \"fracture-trace\",\n  \"version\": 1,\n  \"app\": {\"name\": ", f);
    fr__json_string(f, app->name ? app->name : "");
    fprintf(f, ", \"id\": \"%016" PRIx64 "\"},\n  \"runs\": 1,\n  \"wall_ns\": %" PRIu64
               ",\n  \"modules\": [",
            fr__trace_app_id(app), json_int(s->wall_ns));
    for (unsigned m = 0; m < app->nmodules; m++) {
        fprintf(f, "%s\n    {\"name\": ", m ? "," : "");
        fr__json_string(f, app->modules[m].name ? app->modules[m].name : "");
        fputs(", \"caps\": ", f);
        caps_json(f, app->modules[m].caps);
        fprintf(f, ", \"cpu_ns\": %" PRIu64 "}", json_int(s->cpu[m]));
    }
    fputs("\n  ],\n  \"edges\": [", f);
    for (unsigned from = 0; from < app->nmodules; from++)
        for (unsigned i = 0; i < app->nfunctions; i++) {
            const struct fr_trace_counts *c = &s->edges[(size_t)from * app->nfunctions + i];
            const struct fr_function *fn = fn_of(app, i);
            if (c->calls == 0 || fn->module == from || fn->module >= app->nmodules)
                continue;
            fprintf(f, "%s\n    {\"from\": ", first ? "" : ",");
            first = 0;
            fr__json_string(f, app->modules[from].name ? app->modules[from].name : "");
            fputs(", \"to\": ", f);
            fr__json_string(f, app->modules[fn->module].name ? app->modules[fn->module].name : "");
            fputs(", \"function\": ", f);
            fr__json_string(f, fn->name ? fn->name : "");
            fprintf(f, ", \"callback\": %s, \"calls\": %" PRIu64 ", \"bytes_in\": %" PRIu64
                       ", \"bytes_out\": %" PRIu64 ", \"fds\": %" PRIu64 "}",
                    (fn->flags & FR_FN_CALLBACK) ? "true" : "false", json_int(c->calls),
                    json_int(c->bytes_in), json_int(c->bytes_out), json_int(c->fds));
        }
    fputs("\n  ]\n}\n", f);
    return ferror(f) ? -EIO : 0;
}

/* ---- the root's file ------------------------------------------------- */

static struct {
    char *path;               /* absolute (malloc, for the life of the process) */
    int64_t start_ns;
    pid_t root;
    int done;
} out;

/* Per function, the first of its module with its name and callback flag:
 * the one it is counted under (two static functions of one name in two
 * files of a module are one edge of the graph).  malloc()ed, the caller
 * frees it; NULL when out of memory. */
static unsigned *canonical(const struct fr_app *app)
{
    unsigned n = app->nfunctions, *c = malloc((n ? n : 1) * sizeof *c);

    for (unsigned i = 0; c && i < n; i++) {
        const struct fr_function *f = fn_of(app, i);
        c[i] = i;
        for (unsigned j = 0; j < i; j++) {
            const struct fr_function *g = fn_of(app, j);
            if (g->module == f->module && !((g->flags ^ f->flags) & FR_FN_CALLBACK) &&
                strcmp(g->name ? g->name : "", f->name ? f->name : "") == 0) {
                c[i] = c[j];
                break;
            }
        }
    }
    return c;
}

struct sum_ctx {
    struct fr_trace_counts *sum;
    const unsigned *canon;
    unsigned nfn;
};

static void add_edge(void *ctx, size_t idx, const struct fr_trace_edge *e)
{
    struct sum_ctx *s = ctx;
    struct fr_trace_counts *t;
    uint64_t calls = atomic_load_explicit(&e->calls, memory_order_relaxed);

    if (calls == 0)
        return;
    t = &s->sum[idx - idx % s->nfn + s->canon[idx % s->nfn]];
    t->calls = fr__sat_add(t->calls, calls);
    t->bytes_in = fr__sat_add(t->bytes_in,
                              atomic_load_explicit(&e->bytes_in, memory_order_relaxed));
    t->bytes_out = fr__sat_add(t->bytes_out,
                               atomic_load_explicit(&e->bytes_out, memory_order_relaxed));
    t->fds = fr__sat_add(t->fds, atomic_load_explicit(&e->fds, memory_order_relaxed));
}

static int write_file(const struct fr_trace_sum *s)
{
    FILE *f = fopen(out.path, "we");
    int rc;

    if (!f)
        return -errno;
    rc = fr__trace_json(f, s);
    if (fflush(f) != 0)
        rc = -errno;
    if (fclose(f) != 0 && rc == 0)
        rc = -errno;
    return rc;
}

int fr__trace_file_finish(void)
{
    const struct fr_app *app = fr__rt.app;
    size_t nedges = (size_t)app->nmodules * app->nfunctions;
    uint64_t *cpu;
    struct fr_trace_counts *sum;
    unsigned *canon;
    int rc = 0;

    if (out.done || !out.path)
        return 0;
    out.done = 1;
    cpu = calloc(app->nmodules, sizeof *cpu);
    sum = calloc(nedges ? nedges : 1, sizeof *sum);
    canon = canonical(app);
    struct sum_ctx sc = { sum, canon, app->nfunctions };
    if (!cpu || !sum || !canon) {
        rc = -ENOMEM;
        goto out_say;
    }
    fr__trace_flush_threads();
    for (int k = 0; k < fr__trace_nareas(); k++) {
        fr__trace_add_cpu(k, cpu);
        if (app->nfunctions)
            fr__trace_each_edge(k, add_edge, &sc);
    }
    struct fr_trace_sum s = { app, cpu, sum, (uint64_t)(fr__now_ns() - out.start_ns) };
    rc = write_file(&s);
out_say:
    if (rc < 0)
        fprintf(stderr, "fracture: error: cannot write the trace to %s: %s; the run's "
                "counts are lost\n", out.path, strerror(-rc));
    free(cpu);
    free(sum);
    free(canon);
    return rc;
}

/* At exit (on_exit): a lost trace turns a status 0 into 1. */
static void at_exit(int status, void *arg)
{
    (void)arg;
    if (getpid() != out.root)
        return;               /* a process the program forked, exiting */
    if (fr__trace_file_finish() < 0 && status == 0) {
        fflush(NULL);
        _exit(1);
    }
}

int fr__trace_file_start(const char *path, int64_t start_ns)
{
    int rc = fr__path_abs(path, &out.path);

    if (rc < 0)
        return rc;
    out.start_ns = start_ns;
    out.root = getpid();
    if (on_exit(at_exit, NULL) != 0)
        return -ENOMEM;
    return 0;
}
