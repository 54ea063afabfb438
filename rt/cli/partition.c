/*
 * partition.c - `fracture partition`: training traces in, the cheapest
 * isolation boundary out (partition/README.md).
 *
 * The order of the work is the order of what can go wrong cheaply: the
 * arguments, the traces, the modules named and the constraints, the
 * environment; only then the machine's figures (which may run the bench
 * for seconds), the solve, and the outputs.  Files are staged whole and
 * renamed over their targets only when everything else has succeeded, so
 * an error writes nothing.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <talloc.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "crowdcut.h"
#include "diag.h"
#include "dot.h"
#include "environment.h"
#include "explain.h"
#include "figures.h"
#include "outfile.h"
#include "partition.h"
#include "report.h"
#include "trace_read.h"
#include "yaml_out.h"

#define CMD "partition"

static const char help[] =
    "usage: fracture partition (--isolate MODULE [--isolate M2]... | --parts K |\n"
    "                           --crowd [--isolate MODULE]...)\n"
    "                          [--env none|memcheck|helgrind|drd|callgrind|FILE.yaml]\n"
    "                          [--slowdown F] [--policy restart|sample|replicate]\n"
    "                          [--replicas N] [--sample-pct P]\n"
    "                          [--bench FILE.json] [--call-ns N] [--byte-ns X] [--fd-ns D]\n"
    "                          [-o deploy.yaml] [--dot graph.dot] [--json] TRACE...\n"
    "\n"
    "Reads training traces (`trace: {file: ...}` in a deployment; several add up)\n"
    "and finds the cheapest FMP boundary under the cost model: a call that\n"
    "crosses FMPs costs what this machine's `fracture bench` says a call and its\n"
    "bytes cost, and a module moved into a child FMP costs its traced CPU times\n"
    "(the environment's slowdown - 1).  main, and every module lacking the cap\n"
    "the policy needs, stay in the root.\n"
    "\n"
    "  --isolate MODULE  put MODULE in an FMP of its own, with whatever is cheaper\n"
    "                    to move along (exact minimum cut); several: one FMP each\n"
    "                    (exact enumeration up to 2^20 placements, else the\n"
    "                    isolation heuristic, within 2-2/(k+1) of the optimum)\n"
    "  --parts K         split the whole program into K FMPs (METIS), by CPU\n"
    "  --crowd           a crowd's rotation (configs/README.md, Crowd): for each\n"
    "                    module (those --isolate names, else every samplable one)\n"
    "                    its own cheapest FMP under --policy sample and --env\n"
    "                    (default memcheck, 1 %% of its calls: --sample-pct), and\n"
    "                    -o writes the `crowd:` block with those boundaries\n"
    "  --env ENV         the child FMPs' environment: none (default), a Valgrind\n"
    "                    tool (memcheck 20x, helgrind 100x, drd 50x, callgrind 50x,\n"
    "                    cachegrind 50x, massif 20x, dhat 20x), or FILE.yaml holding\n"
    "                    an FMP's env: mapping (configs/README.md)\n"
    "  --slowdown F      the environment's slowdown factor instead (>= 1)\n"
    "  --policy P        restart, sample or replicate: the FMPs' policy\n"
    "  --replicas N      replicate: replicas (2..16, default 3)\n"
    "  --sample-pct P    sample: the % of calls to the instance in the\n"
    "                    environment (1..99, default 5)\n"
    "  --bench FILE      the output of `fracture bench --json` (default: the cache,\n"
    "                    $XDG_CACHE_HOME/fracture/bench.json, else measured now)\n"
    "  --call-ns N       a crossing call's cost in ns instead of the bench's\n"
    "  --byte-ns X       a crossed byte's cost in ns instead of the bench's\n"
    "  --fd-ns D         a passed descriptor's cost in ns instead of the bench's\n"
    "                    (with --call-ns and --byte-ns and no --fd-ns: 0)\n"
    "  -o FILE           write the deployment (checked as `fracture check` would)\n"
    "  --dot FILE        write a Graphviz picture of the module graph and the cut\n"
    "  --json            print the answer as one JSON object\n"
    "\n"
    "Exit status: 0 done, 1 a trace, bench or file failed, 2 a usage error (an\n"
    "unknown option or module, --isolate main, an impossible constraint).\n";

struct opts {
    const char **isolate;
    size_t nisolate;
    unsigned parts;
    const char *env, *policy, *bench, *out, *dot;
    double slowdown, call_ns, byte_ns, fd_ns, sample_pct;
    bool call_set, byte_set, fd_set, json, replicas_set, pct_set, crowd;
    unsigned replicas;
    const char **traces;
    size_t ntraces;
};

static int usage(const char *fmt, const char *arg)
{
    char msg[512];

    snprintf(msg, sizeof msg, fmt, arg);
    return fr_usage_error(CMD, msg);
}

/* A number in [lo, hi] for option @name; 0, or a usage error (2). */
static int number(const char *name, const char *s, double lo, double hi, bool whole,
                  double *out)
{
    char *end, msg[320];
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < lo || v > hi || (whole && v != floor(v))) {
        snprintf(msg, sizeof msg, "%s '%.200s': expected %s from %g to %g", name, s,
                 whole ? "a whole number" : "a number", lo, hi);
        return fr_usage_error(CMD, msg);
    }
    *out = v;
    return 0;
}

/* Parse the command line into @o; 0, 1 for --help (printed), or 2. */
static int parse(void *ctx, int argc, char **argv, struct opts *o)
{
    static const char *const valued[] = { "--isolate", "--parts", "--env", "--slowdown",
                                          "--policy", "--replicas", "--sample-pct", "--bench",
                                          "--call-ns", "--byte-ns", "--fd-ns", "--output", "-o", "--dot" };
    bool opts_done = false;
    double v;

    *o = (struct opts){ .replicas = 3, .sample_pct = 5 };
    o->isolate = talloc_array(ctx, const char *, argc);
    o->traces = talloc_array(ctx, const char *, argc);
    if (!o->isolate || !o->traces)
        return usage("%s", "out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL, *name = NULL;

        if (opts_done || a[0] != '-' || !a[1]) {
            o->traces[o->ntraces++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            opts_done = true;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return 1;
        }
        if (strcmp(a, "--json") == 0) {
            o->json = true;
            continue;
        }
        if (strcmp(a, "--crowd") == 0) {
            o->crowd = true;
            continue;
        }
        for (size_t k = 0; k < sizeof valued / sizeof valued[0] && !name; k++)
            if (fr_cli_is_opt(a, valued[k]))
                name = valued[k];
        if (!name)
            return usage("unknown option '%.200s'", a);
        if (!(val = fr_cli_value_of(argc, argv, &i, name)))
            return usage("%s needs a value", name);
        if (strcmp(name, "--isolate") == 0) {
            o->isolate[o->nisolate++] = val;
        } else if (strcmp(name, "--parts") == 0) {
            if (number(name, val, 1, 4096, true, &v))
                return 2;
            o->parts = (unsigned)v;
        } else if (strcmp(name, "--env") == 0) {
            o->env = val;
        } else if (strcmp(name, "--slowdown") == 0) {
            if (number(name, val, 1, 1e6, false, &o->slowdown))
                return 2;
        } else if (strcmp(name, "--policy") == 0) {
            o->policy = val;
        } else if (strcmp(name, "--replicas") == 0) {
            if (number(name, val, 2, 16, true, &v))
                return 2;
            o->replicas = (unsigned)v;
            o->replicas_set = true;
        } else if (strcmp(name, "--sample-pct") == 0) {
            if (number(name, val, 1, 99, true, &o->sample_pct))
                return 2;
            o->pct_set = true;
        } else if (strcmp(name, "--bench") == 0) {
            o->bench = val;
        } else if (strcmp(name, "--call-ns") == 0) {
            if (number(name, val, 0, 1e12, false, &o->call_ns))
                return 2;
            o->call_set = true;
        } else if (strcmp(name, "--byte-ns") == 0) {
            if (number(name, val, 0, 1e9, false, &o->byte_ns))
                return 2;
            o->byte_set = true;
        } else if (strcmp(name, "--fd-ns") == 0) {
            if (number(name, val, 0, 1e12, false, &o->fd_ns))
                return 2;
            o->fd_set = true;
        } else if (strcmp(name, "--dot") == 0) {
            o->dot = val;
        } else {
            o->out = val;
        }
    }
    if (o->crowd && o->parts)
        return usage("%s", "--crowd and --parts do not go together: one question a run");
    if (o->crowd && o->dot)
        return usage("%s", "--dot draws one cut; --crowd makes one per module");
    if (!o->nisolate && !o->parts && !o->crowd)
        return usage("%s", "say what to do: --isolate MODULE, --parts K or --crowd");
    if (o->nisolate && o->parts)
        return usage("%s", "--isolate and --parts do not go together: one question a run");
    if (!o->ntraces)
        return usage("%s", "no trace given (a file a training run wrote with `trace: "
                     "{file: ...}`)");
    if (o->out && o->dot && strcmp(o->out, o->dot) == 0)
        return usage("-o and --dot name the same file '%.200s'", o->out);
    return 0;
}

/* Whether output @path is one of the traces (same file): refused, as
 * writing it would destroy an input. */
static int clobbers_input(const struct opts *o, const char *path)
{
    struct stat out, in;

    if (!path || stat(path, &out) < 0)
        return 0;
    for (size_t i = 0; i < o->ntraces; i++)
        if (stat(o->traces[i], &in) == 0 && in.st_dev == out.st_dev &&
            in.st_ino == out.st_ino)
            return usage("'%.200s' is a trace given as input; write the output elsewhere",
                         path);
    return 0;
}

/* The deployment must parse as `fracture check` parses it: a failure here
 * is partition's own bug (or an environment file the parser takes alone
 * but not in context), said as such. */
static int self_check(void *ctx, const char *yaml, struct fr_perr *e)
{
    struct fr_config *cfg;
    struct fr_diag d;

    fr__diag_init(&d, ctx);
    if (fr__config_parse(ctx, "the deployment written", yaml, strlen(yaml), &cfg, &d) == 0)
        return 0;
    return fr__perr_set(e, -EINVAL, FR_PERR_FAILURE, "please report it, with the command "
                        "line and the trace", "internal: the deployment it would write does "
                        "not parse: %s", d.n ? d.items[0].text : "out of memory");
}

/* This machine's price of a crossing, into @p. */
static int figures(void *ctx, const struct opts *o, struct fr_problem *p,
                   struct fr_figures *fig, struct fr_perr *e)
{
    struct fr_figures_opts fo = {
        .bench_file = o->bench, .call_set = o->call_set, .byte_set = o->byte_set,
        .fd_set = o->fd_set, .call_ns = o->call_ns, .byte_ns = o->byte_ns, .fd_ns = o->fd_ns,
        .self = "/proc/self/exe",
        .progress = isatty(STDERR_FILENO),
    };
    int rc = fr__figures_get(ctx, &fo, fig, e);

    if (rc)
        return rc;
    p->fig = fig;
    p->cost.call_ns = fig->call_ns;
    p->cost.byte_ns = fig->byte_ns;
    p->cost.fd_ns = fig->fd_ns;
    return 0;
}

/* --crowd: one cut per module of the rotation (partition/crowdcut.h). */
static int run_crowd(void *ctx, const struct opts *o, struct fr_problem *p,
                     struct fr_perr *e)
{
    struct fr_outfile yf = { 0 };
    struct fr_crowd_plan c;
    struct fr_figures fig;
    char *yaml;
    int rc;

    if ((rc = fr__partition_prepare(ctx, p, e)) || (rc = figures(ctx, o, p, &fig, e)))
        return rc;
    if ((rc = fr__crowd_plan(ctx, p, (unsigned)(p->cost.share * 100 + 0.5), &c, e)))
        return rc;
    if (o->out) {
        if (!(yaml = fr__crowd_yaml(ctx, p, &c)))
            return fr__perr_oom(e);
        if ((rc = self_check(ctx, yaml, e)) ||
            (rc = fr__outfile_stage(ctx, o->out, yaml, strlen(yaml), &yf, e)))
            return rc;
        if ((rc = fr__outfile_commit(&yf, e)))
            return rc;
    }
    if (o->json)
        fr__crowd_json(stdout, p, &c, o->out);
    else
        fr__crowd_text(stdout, p, &c, o->out);
    return 0;
}

static int run(void *ctx, const struct opts *o, struct fr_perr *e)
{
    struct fr_trace *t = fr__trace_new(ctx);
    struct fr_problem p = { .t = t };
    struct fr_envspec env;
    struct fr_figures fig;
    struct fr_solution s;
    struct fr_explain x;
    struct fr_outfile yf = { 0 }, df = { 0 };
    struct fr_written w = { 0 };
    char *yaml = NULL, *dot = NULL;
    int rc;

    if (!t)
        return fr__perr_oom(e);
    if (o->policy && fr__policy_parse(o->policy, &p.cost.policy))
        return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, "the policies: restart, sample, "
                            "replicate", "--policy '%s': no such policy", o->policy);
    if (o->replicas_set && p.cost.policy != FR_POLICY_REPLICATE)
        return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, "add --policy replicate, or leave "
                            "--replicas out", "--replicas is for --policy replicate");
    if (o->pct_set && p.cost.policy != FR_POLICY_SAMPLE && !o->crowd)
        return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, "add --policy sample, or leave "
                            "--sample-pct out", "--sample-pct is for --policy sample");
    if (o->crowd) {
        if (o->policy && p.cost.policy != FR_POLICY_SAMPLE)
            return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, "leave --policy out: a crowd "
                                "samples", "--crowd --policy %s: a crowd's FMP is sampled",
                                o->policy);
        p.cost.policy = FR_POLICY_SAMPLE;
    }
    p.cost.replicas = o->replicas;
    p.cost.share = (o->crowd && !o->pct_set ? 1 : o->sample_pct) / 100.0;
    for (size_t i = 0; i < o->ntraces; i++)
        if ((rc = fr__trace_add_file(t, o->traces[i], e)))
            return rc;
    p.terms = talloc_array(ctx, size_t, o->nisolate ? o->nisolate : 1);
    if (!p.terms)
        return fr__perr_oom(e);
    for (size_t i = 0; i < o->nisolate; i++)
        if ((rc = fr__partition_module(t, o->isolate[i], &p.terms[p.nterms++], e)))
            return rc;
    p.parts = o->parts;
    if ((rc = fr__envspec_get(ctx, o->env ? o->env : o->crowd ? "memcheck" : NULL,
                              o->slowdown, &env, e)))
        return rc;
    p.env = &env;
    p.cost.slowdown = env.slowdown;
    if (o->crowd)
        return run_crowd(ctx, o, &p, e);
    if ((rc = fr__partition_prepare(ctx, &p, e)))
        return rc;
    if ((rc = figures(ctx, o, &p, &fig, e)))
        return rc;
    if ((rc = fr__partition_solve(ctx, &p, &s, e)) || (rc = fr__explain(ctx, &p, &s, &x, e)))
        return rc;
    if (o->out) {
        if (!(yaml = fr__yaml_deploy(ctx, &p, &s, &x)))
            return fr__perr_oom(e);
        if ((rc = self_check(ctx, yaml, e)))
            return rc;
    }
    if (o->dot && !(dot = fr__dot_graph(ctx, &p, &s)))
        return fr__perr_oom(e);
    /* both staged before either is renamed into place */
    if (yaml && (rc = fr__outfile_stage(ctx, o->out, yaml, strlen(yaml), &yf, e)))
        return rc;
    if (dot && (rc = fr__outfile_stage(ctx, o->dot, dot, strlen(dot), &df, e))) {
        fr__outfile_discard(&yf);
        return rc;
    }
    if ((rc = fr__outfile_commit(&yf, e)) || (rc = fr__outfile_commit(&df, e))) {
        fr__outfile_discard(&df);
        return rc;
    }
    w.yaml = o->out;
    w.dot = o->dot;
    if (o->json)
        return fr__report_json(stdout, &p, &s, &x, &w) == 0 ? 0 : fr__perr_oom(e);
    fr__report_text(stdout, &p, &s, &x, &w);
    return 0;
}

int fr_cmd_partition(int argc, char **argv)
{
    void *ctx = talloc_new(NULL);
    struct opts o;
    struct fr_perr e;
    int rc;

    if (!ctx)
        return 1;
    rc = parse(ctx, argc, argv, &o);
    if (!rc && !(rc = clobbers_input(&o, o.out)))
        rc = clobbers_input(&o, o.dot);
    if (rc) {
        talloc_free(ctx);
        return rc == 1 ? 0 : rc;
    }
    fr__perr_init(&e, ctx);
    rc = run(ctx, &o, &e) ? fr_cli_fail(CMD, &e) : 0;
    talloc_free(ctx);
    return rc;
}
