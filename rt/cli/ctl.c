/*
 * ctl.c - `fracture ctl [--json] TARGET ACTION`: one action on every FMP
 * that TARGET names, in every running program of this user at once, and
 * the answers aggregated into classes of equal answers (TBON-FS's
 * equivalence classes: "14 FMPs: up; 2 FMPs: restarting").
 *
 * TARGET is APP[/FMP]: APP an fnmatch(3) pattern over the programs' app
 * names, or a root's pid; FMP a pattern over FMP names (all of them when
 * left out).  Each root acts on its own FMPs (rt/lib/control.c); the
 * programs are asked in parallel, one thread each, so that a restart of
 * sixteen programs takes as long as one.
 */
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "control_req.h"
#include "roots.h"

#define STATS_MS 5000
#define ACT_MS 30000          /* a restart waits for the FMP to be back (control.c) */

static int usage(FILE *f)
{
    fprintf(f, "usage: fracture ctl [--json] TARGET ACTION\n\n"
               "Acts on every FMP that TARGET names, in every running fractured program of\n"
               "this user, and prints the answers grouped into classes of equal answers.\n\n"
               "TARGET   APP[/FMP]: APP a glob over app names, or a root's pid; FMP a glob\n"
               "         over FMP names (every FMP when left out)\n"
               "ACTION   stats      each FMP's state (up, restarting, lost, ...)\n"
               "         restart    kill and restart the FMP through its restart: policy\n"
               "                    (in-flight calls replayed exactly once); refused for\n"
               "                    FMPs without one, or with their budget spent\n"
               "         stop       end the program in order, as SIGTERM does (the target\n"
               "                    must include its root FMP)\n"
               "         signal N   send signal N (a number or a name: USR1, SIGTERM) to\n"
               "                    the FMP's processes\n"
               "         env-next   the FMP's next restart uses the next environment of\n"
               "                    its restart.environments\n\n"
               "  --json   one JSON object with the classes and every member's answer\n\n"
               "Exit status: 0 when every member answered ok, 1 when any failed or\n"
               "nothing matched, 2 for a usage error.\n");
    return f == stdout ? 0 : 2;
}

/* A signal named by number or by name (USR1, SIGUSR1), or 0. */
static int signal_of(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);

    if (*s >= '0' && *s <= '9')
        return *end == '\0' && n >= 1 && n <= SIGRTMAX ? (int)n : 0;
    if (strncmp(s, "SIG", 3) == 0)
        s += 3;
    for (int i = 1; i < SIGRTMIN; i++) {
        const char *a = sigabbrev_np(i);
        if (a && strcmp(a, s) == 0)
            return i;
    }
    return 0;
}

struct prog {
    pid_t pid;
    json_t *stats;            /* its answer to stats */
    json_t *reply;            /* its answer to the action */
    char err[300];
    const char *line;
    pthread_t t;
    int started;
};

static void *ask_thread(void *arg)
{
    struct prog *p = arg;

    p->reply = fr_root_ask(p->pid, p->line, ACT_MS, p->err, sizeof p->err);
    return NULL;
}

struct class {
    const char *answer;
    int ok;
    json_t *members;
};

static int by_size(const void *a, const void *b)
{
    const struct class *x = a, *y = b;
    size_t nx = json_array_size(x->members), ny = json_array_size(y->members);

    return (nx < ny) - (nx > ny);
}

int fr_cmd_ctl(int argc, char **argv)
{
    const char *target = NULL, *action = NULL, *arg = NULL;
    int json = 0, signo = 0, failed = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return usage(stdout);
        if (strcmp(a, "--json") == 0) {
            json = 1;
        } else if (a[0] == '-' && a[1] && !(action && strcmp(action, "signal") == 0 && !arg)) {
            char msg[300];
            snprintf(msg, sizeof msg, "unknown option '%s'", a);
            return fr_usage_error("ctl", msg);
        } else if (!target) {
            target = a;
        } else if (!action) {
            action = a;
        } else if (!arg && strcmp(action, "signal") == 0) {
            arg = a;
        } else {
            char msg[300];
            snprintf(msg, sizeof msg, "unexpected argument '%s'", a);
            return fr_usage_error("ctl", msg);
        }
    }
    if (!target || !action)
        return fr_usage_error("ctl", "a TARGET and an ACTION are needed");

    /* TARGET: APP[/FMP] */
    char app[FR_CONTROL_GLOB_MAX], fmp[FR_CONTROL_GLOB_MAX] = "*";
    const char *slash = strchr(target, '/');
    size_t alen = slash ? (size_t)(slash - target) : strlen(target);
    if (alen == 0 || alen >= sizeof app || (slash && (!slash[1] || strchr(slash + 1, '/') ||
                                                      strlen(slash + 1) >= sizeof fmp))) {
        char msg[400];
        snprintf(msg, sizeof msg, "bad TARGET '%s': it is APP[/FMP], each a non-empty glob "
                 "(APP may be a root's pid)", target);
        return fr_usage_error("ctl", msg);
    }
    memcpy(app, target, alen);
    app[alen] = '\0';
    if (slash)
        snprintf(fmp, sizeof fmp, "%s", slash + 1);
    for (const char *p = fmp; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f) {
            char msg[300];
            snprintf(msg, sizeof msg, "bad TARGET '%s': a space or control byte in the FMP "
                     "pattern", target);
            return fr_usage_error("ctl", msg);
        }
    char *end;
    long want_pid = strtol(app, &end, 10);
    if (*end || app[0] < '0' || app[0] > '9')
        want_pid = 0;

    /* ACTION */
    int known = 0;
    for (int a = FR_CONTROL_STATS; a <= FR_CONTROL_ENV_NEXT; a++)
        known |= strcmp(action, fr__control_action_name((enum fr_control_action)a)) == 0;
    if (!known) {
        char msg[300];
        snprintf(msg, sizeof msg, "unknown ACTION '%s' (stats, restart, stop, signal N, "
                 "env-next)", action);
        return fr_usage_error("ctl", msg);
    }
    if (strcmp(action, "signal") == 0) {
        if (!arg)
            return fr_usage_error("ctl", "signal needs a signal: a number or a name (USR1)");
        if (!(signo = signal_of(arg))) {
            char msg[300];
            snprintf(msg, sizeof msg, "'%s' is not a signal (a number 1 to %d, or a name such "
                     "as USR1)", arg, SIGRTMAX);
            return fr_usage_error("ctl", msg);
        }
    }

    char stats_line[FR_CONTROL_REQ_MAX], act_line[FR_CONTROL_REQ_MAX];
    snprintf(stats_line, sizeof stats_line, "v1 stats %s\n", fmp);
    if (signo)
        snprintf(act_line, sizeof act_line, "v1 signal %s %d\n", fmp, signo);
    else
        snprintf(act_line, sizeof act_line, "v1 %s %s\n", action, fmp);

    pid_t *pids;
    size_t n;
    int rc = fr_roots_find(geteuid(), &pids, &n);
    if (rc < 0) {
        fprintf(stderr, "fracture: error: ctl: cannot read /proc/net/unix: %s\n", strerror(-rc));
        return 1;
    }
    struct prog *progs = calloc(n ? n : 1, sizeof *progs);
    json_t *errs = json_array(), *members = json_array();
    size_t nprog = 0;
    if (!progs) {
        fprintf(stderr, "fracture: error: ctl: out of memory\n");
        return 1;
    }
    /* which programs TARGET names: their app names come from their roots */
    for (size_t i = 0; i < n; i++) {
        char err[300];
        if (want_pid && pids[i] != want_pid)
            continue;
        json_t *s = fr_root_ask(pids[i], stats_line, STATS_MS, err, sizeof err);
        const char *e = s ? json_string_value(json_object_get(s, "error")) : err;
        if (e) {
            if (!(!s && strcmp(err, "it has ended") == 0)) {
                json_array_append_new(errs, json_pack("{s:I, s:s}", "pid", (json_int_t)pids[i],
                                                      "error", e));
                failed = 1;
            }
            json_decref(s);
            continue;
        }
        const char *name = json_string_value(json_object_get(s, "app"));
        if (!want_pid && fnmatch(app, name ? name : "", 0) != 0) {
            json_decref(s);
            continue;
        }
        progs[nprog].pid = pids[i];
        progs[nprog].stats = s;
        progs[nprog].line = act_line;
        nprog++;
    }
    free(pids);
    int is_stats = strcmp(action, "stats") == 0;
    for (size_t i = 0; !is_stats && i < nprog; i++)
        if (json_array_size(json_object_get(progs[i].stats, "answers"))) {
            progs[i].started = pthread_create(&progs[i].t, NULL, ask_thread, &progs[i]) == 0;
            if (!progs[i].started)
                ask_thread(&progs[i]);
        }
    for (size_t i = 0; i < nprog; i++) {
        struct prog *p = &progs[i];
        if (!json_array_size(json_object_get(p->stats, "answers")))
            continue;         /* no FMP of it matches: not asked */
        if (is_stats)
            p->reply = json_incref(p->stats);
        else if (p->started)
            pthread_join(p->t, NULL);
        const char *e = p->reply ? json_string_value(json_object_get(p->reply, "error")) : p->err;
        if (e) {
            json_array_append_new(errs, json_pack("{s:I, s:s}", "pid", (json_int_t)p->pid,
                                                  "error", e));
            failed = 1;
            continue;
        }
        size_t j;
        json_t *a;
        json_array_foreach(json_object_get(p->reply, "answers"), j, a) {
            char who[300];
            snprintf(who, sizeof who, "%s[%d]/%s",
                     json_string_value(json_object_get(p->reply, "app")), (int)p->pid,
                     json_string_value(json_object_get(a, "fmp")));
            json_array_append_new(members, json_pack("{s:s, s:I, s:O, s:O, s:O}", "member", who,
                                                     "pid", (json_int_t)p->pid,
                                                     "fmp", json_object_get(a, "fmp"),
                                                     "ok", json_object_get(a, "ok"),
                                                     "answer", json_object_get(a, "answer")));
        }
    }

    /* classes of equal answers, the largest first */
    size_t nm = json_array_size(members), ncls = 0, i;
    struct class *cls = calloc(nm ? nm : 1, sizeof *cls);
    json_t *m;
    json_array_foreach(members, i, m) {
        const char *ans = json_string_value(json_object_get(m, "answer"));
        int ok = json_is_true(json_object_get(m, "ok"));
        size_t c;
        failed |= !ok;
        for (c = 0; c < ncls; c++)
            if (cls[c].ok == ok && strcmp(cls[c].answer, ans) == 0)
                break;
        if (c == ncls)
            cls[ncls++] = (struct class){ ans, ok, json_array() };
        json_array_append(cls[c].members, json_object_get(m, "member"));
    }
    qsort(cls, ncls, sizeof *cls, by_size);
    if (!nm)
        failed = 1;

    if (json) {
        json_t *jc = json_array(), *progs_j = json_array();
        for (size_t c = 0; c < ncls; c++)
            json_array_append_new(jc, json_pack("{s:I, s:s, s:b, s:O}", "count",
                                                (json_int_t)json_array_size(cls[c].members),
                                                "answer", cls[c].answer, "ok", cls[c].ok,
                                                "members", cls[c].members));
        for (size_t p = 0; is_stats && p < nprog; p++)
            if (json_array_size(json_object_get(progs[p].stats, "answers")))
                json_array_append(progs_j, progs[p].stats);
        json_t *out = json_pack("{s:s, s:s, s:b, s:o, s:O, s:o}", "target", target,
                                "action", action, "ok", !failed, "classes", jc,
                                "members", members, "errors", errs);
        if (is_stats)
            json_object_set_new(out, "programs", progs_j);
        else
            json_decref(progs_j);
        char *s = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        printf("%s\n", s);
        free(s);
        json_decref(out);
    } else {
        json_t *e;
        json_array_foreach(errs, i, e)
            fprintf(stderr, "fracture: error: ctl: program pid %lld: %s\n",
                    (long long)json_integer_value(json_object_get(e, "pid")),
                    json_string_value(json_object_get(e, "error")));
        if (!nm)
            fprintf(stderr, "fracture: error: ctl: no FMP of a running program of uid %u "
                    "matches '%s'\n  hint: fracture ps lists them\n", (unsigned)geteuid(),
                    target);
        for (size_t c = 0; c < ncls; c++) {
            size_t k = json_array_size(cls[c].members);
            printf("%zu FMP%s: %s%s (", k, k == 1 ? "" : "s", cls[c].ok ? "" : "failed: ",
                   cls[c].answer);
            for (size_t j = 0; j < k; j++)
                printf("%s%s", j ? ", " : "", json_string_value(json_array_get(cls[c].members, j)));
            printf(")\n");
        }
        json_decref(errs);
    }
    for (size_t c = 0; c < ncls; c++)
        json_decref(cls[c].members);
    free(cls);
    json_decref(members);
    for (size_t p = 0; p < nprog; p++) {
        json_decref(progs[p].stats);
        json_decref(progs[p].reply);
    }
    free(progs);
    return failed;
}
