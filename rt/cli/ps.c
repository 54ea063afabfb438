/*
 * ps.c - `fracture ps [--json]`: every running fractured program of this
 * user and its FMPs, as each root says them on its control socket
 * (roots.c, rt/lib/control.c): pids, modules, the policy's state, calls
 * served, CPU time and resident memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "roots.h"

#define ASK_MS 5000

static int usage(FILE *f)
{
    fprintf(f, "usage: fracture ps [--json]\n\n"
               "Lists every running fractured program of this user (a program started\n"
               "with FRACTURE_CONFIG or `fracture run`) and its FMPs: pids, modules,\n"
               "policy and its state (restarts done of the budget, the micro-Rx\n"
               "environment in use and the next, replicas and instances alive, sampling\n"
               "weights), calls served (requests from other FMPs, every incarnation),\n"
               "CPU time and resident memory.  Each program's root answers on its\n"
               "control socket, which only its own user may use.\n\n"
               "  --json   one JSON object: {\"programs\": [...], \"errors\": [...]}\n");
    return f == stdout ? 0 : 2;
}

static const char *str(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static long long num(json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

/* The policy column: its kind and its state in a few words. */
static void policy_cell(json_t *fmp, char *buf, size_t cap)
{
    const char *p = str(fmp, "policy");
    json_t *r = json_object_get(fmp, "restart");
    json_t *members = json_object_get(fmp, "members");
    size_t n = json_array_size(members), up = 0, i;
    json_t *m;
    int len = 0;

    json_array_foreach(members, i, m)
        up += strcmp(str(m, "state"), "up") == 0;
    if (strcmp(p, "replicate") == 0) {
        len = snprintf(buf, cap, "replicate %zu/%zu up", up, n);
    } else if (strcmp(p, "sample") == 0) {
        len = snprintf(buf, cap, "sample %zu/%zu up, weights ", up, n);
        json_array_foreach(members, i, m)
            if (len >= 0 && (size_t)len < cap)
                len += snprintf(buf + len, cap - (size_t)len, "%s%lld", i ? ":" : "",
                                num(m, "weight"));
    } else {
        len = snprintf(buf, cap, "%s", p);
    }
    if (r && len >= 0 && (size_t)len < cap) {
        len += snprintf(buf + len, cap - (size_t)len, "%s%lld/%lld per %llds", len ? " " : "",
                        num(r, "in_window"), num(r, "max"), num(r, "window_s"));
        if (num(r, "restarts") != num(r, "in_window") && len >= 0 && (size_t)len < cap)
            len += snprintf(buf + len, cap - (size_t)len, " (%lld in all)", num(r, "restarts"));
        if (num(r, "environments") > 0 && len >= 0 && (size_t)len < cap) {
            long long env = num(r, "env");
            char now[24];
            snprintf(now, sizeof now, env < 0 ? "-" : "%lld", env);
            snprintf(buf + len, cap - (size_t)len, ", env %s next %lld", now, num(r, "env_next"));
        }
    }
}

static void print_program(json_t *prog)
{
    json_t *fmps = json_object_get(prog, "fmps"), *f;
    size_t i;

    printf("%s  pid %lld  config %s\n", str(prog, "app"), num(prog, "pid"), str(prog, "config"));
    printf("  %-14s %-20s %-12s %-40s %10s %9s %9s  %s\n", "FMP", "PIDS", "STATE", "POLICY",
           "CALLS", "CPU_MS", "RSS_KB", "MODULES");
    json_array_foreach(fmps, i, f) {
        char pids[128] = "", pol[256], mods[256] = "";
        size_t j, len = 0;
        json_t *m;
        json_array_foreach(json_object_get(f, "members"), j, m) {
            long long pid = num(m, "pid");
            if (len < sizeof pids)
                len += (size_t)snprintf(pids + len, sizeof pids - len, "%s%s", j ? "," : "",
                                        pid ? "" : "-");
            if (pid && len < sizeof pids)
                len += (size_t)snprintf(pids + len, sizeof pids - len, "%lld", pid);
        }
        len = 0;
        json_array_foreach(json_object_get(f, "modules"), j, m)
            if (len < sizeof mods)
                len += (size_t)snprintf(mods + len, sizeof mods - len, "%s%s", j ? "," : "",
                                        json_string_value(m));
        policy_cell(f, pol, sizeof pol);
        printf("  %-14s %-20s %-12s %-40s %10lld %9lld %9lld  %s\n", str(f, "name"), pids,
               str(f, "state"), pol, num(f, "calls"), num(f, "cpu_ms"), num(f, "rss_kb"), mods);
    }
}

int fr_cmd_ps(int argc, char **argv)
{
    int json = 0, failed = 0;
    pid_t *pids;
    size_t n;
    json_t *progs, *errs;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return usage(stdout);
        if (strcmp(argv[i], "--json") == 0) {
            json = 1;
            continue;
        }
        char msg[300];
        snprintf(msg, sizeof msg, "%s '%s'", argv[i][0] == '-' ? "unknown option" :
                 "unexpected argument", argv[i]);
        return fr_usage_error("ps", msg);
    }
    int rc = fr_roots_find(geteuid(), &pids, &n);
    if (rc < 0) {
        fprintf(stderr, "fracture: error: ps: cannot read /proc/net/unix: %s\n", strerror(-rc));
        return 1;
    }
    progs = json_array();
    errs = json_array();
    for (size_t i = 0; i < n; i++) {
        char err[300];
        json_t *a = fr_root_ask(pids[i], "v1 stats *\n", ASK_MS, err, sizeof err);
        const char *e = a ? json_string_value(json_object_get(a, "error")) : err;
        if (e) {
            /* a program that ended between the listing and the question is
             * no error: it is not running */
            if (!a && strcmp(err, "it has ended") == 0)
                continue;
            json_array_append_new(errs, json_pack("{s:I, s:s}", "pid", (json_int_t)pids[i],
                                                  "error", e));
            if (!json)
                fprintf(stderr, "fracture: error: ps: program pid %d: %s\n", (int)pids[i], e);
            failed = 1;
            json_decref(a);
            continue;
        }
        json_object_del(a, "answers");
        json_object_del(a, "action");
        json_object_del(a, "glob");
        json_array_append_new(progs, a);
    }
    free(pids);
    if (json) {
        json_t *out = json_pack("{s:o, s:o}", "programs", progs, "errors", errs);
        char *s = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
        json_decref(out);
        return failed;
    }
    size_t i;
    json_t *p;
    if (!json_array_size(progs))
        printf("no fractured program of uid %u is running\n", (unsigned)geteuid());
    json_array_foreach(progs, i, p) {
        if (i)
            putchar('\n');
        print_program(p);
    }
    json_decref(progs);
    json_decref(errs);
    return failed;
}
