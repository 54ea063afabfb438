/*
 * priority.c - libhttpd-priority.so, the Causeway demo on apps/httpd: a
 * priority per request, carried as metadata through every module call, and
 * the thread that serves a call scheduled by it in every FMP.  A meta-app
 * on the public API only (fracture/hook.h, fracture/meta.h), loaded by the
 * config into every FMP, no rebuild of httpd:
 *
 *   meta: [{so: ./libhttpd-priority.so, fmps: [root, parser, ...], args: ""}]
 *
 * The request's priority comes from its `X-Priority:` header, read by an
 * agent hook on parser.http_parse's first argument (the head's bytes):
 * `high` (or 0, or no header) is the FMP's normal scheduling, a number
 * 1..19 is that nice value, `low` is SCHED_IDLE.  It becomes an item of the
 * type "httpd.priority" (merge REPLACE, FR_META_CALLS), so every call the
 * connection's thread makes carries it, and so does every nested call.
 * A shadow hook on every module sets the serving thread's scheduling on
 * arrival and puts it back when the call is done; the access log call
 * (the last of each request) clears it on the connection's thread.  Once
 * Causeway's transfer-point callbacks (fr_meta_on_transfer) are on main,
 * they are the place for set_level: the shadow hooks stand in for them.
 *
 * Going back from SCHED_IDLE or a raised nice needs CAP_SYS_NICE or
 * RLIMIT_NICE >= 20 in every FMP (a child of a root running as root drops
 * its capabilities unless env: {privileges: keep}; rlimits are inherited):
 * fr_meta_init tries it on a thread of its own and refuses to start, with
 * the fix, where it cannot.  args: "log=PATH" appends a line per action:
 * "FMP FUNCTION LEVEL POLICY NICE" as the kernel reports them (the test's).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fracture/hook.h>
#include <fracture/meta.h>

#define LEVEL_IDLE 20   /* `low`: SCHED_IDLE; 1..19 a nice value; 0 normal */
#define DEPTH_MAX 16

static uint32_t prio_type;
static int base_nice, logfd = -1;
static __thread int cur, depth, saved[DEPTH_MAX];

static int set_level(int level)
{
    struct sched_param sp = { 0 };
    pid_t tid = gettid();

    if (level == cur)
        return 0;
    if (level == LEVEL_IDLE) {
        if (sched_setscheduler(tid, SCHED_IDLE, &sp) < 0)
            return -errno;
    } else {
        if (cur == LEVEL_IDLE && sched_setscheduler(tid, SCHED_OTHER, &sp) < 0)
            return -errno;
        if (setpriority(PRIO_PROCESS, (id_t)tid, level ? level : base_nice) < 0)
            return -errno;
    }
    cur = level;
    return 0;
}

/* After set_level(@level) gave @rc: say a failure, log the thread's state. */
static void note(const struct fr_hook_call *hc, int level, int rc)
{
    char line[256];
    int n;

    if (rc < 0)
        fprintf(stderr, "httpd-priority: FMP %s, %s: cannot set priority %d: %s\n", hc->fmp,
                hc->function_name, level, strerror(-rc));
    if (logfd < 0)
        return;
    n = snprintf(line, sizeof line, "%s %s %d %d %d\n", hc->fmp, hc->function_name, cur,
                 sched_getscheduler(0), getpriority(PRIO_PROCESS, (id_t)gettid()));
    if (write(logfd, line, (size_t)n) < 0)
        return;   /* the log is the test's: a lost line fails it there */
}

/* The level of the X-Priority header in head[0..len), 0 without one. */
static int header_level(const char *head, size_t len)
{
    static const char name[] = "\nX-Priority:";
    const size_t nl = sizeof name - 1;

    for (size_t i = 0; i + nl <= len; i++) {
        char v[16];
        size_t j = i + nl, k = 0;

        if (head[i] != '\n' || strncasecmp(head + i, name, nl) != 0)
            continue;
        while (j < len && (head[j] == ' ' || head[j] == '\t'))
            j++;
        while (j < len && k < sizeof v - 1 && head[j] != '\r' && head[j] != '\n' &&
               head[j] != ' ')
            v[k++] = head[j++];
        v[k] = '\0';
        if (strcasecmp(v, "low") == 0)
            return LEVEL_IDLE;
        if (k > 0 && k <= 2 && strspn(v, "0123456789") == k && atoi(v) < LEVEL_IDLE)
            return atoi(v);
        return 0;   /* high, or a value we do not know: the normal priority */
    }
    return 0;
}

/* agent, parser.http_parse: the request's priority becomes the thread's. */
static int on_parse(const struct fr_hook_call *hc, void *ud)
{
    struct fr_hook_arg a;
    int level = 0, rc;

    (void)ud;
    if (hc->nparams > 0 && fr_hook_arg(hc, 0, &a) == 0 && a.ptr)
        level = header_level(a.ptr, a.len);
    rc = level ? fr_meta_insert_u64(prio_type, 0, (uint64_t)level)
               : (fr_meta_remove(prio_type, 0), 0);
    if (rc == 0)
        rc = set_level(level);
    note(hc, level, rc);
    return 0;
}

/* agent after accesslog.log_request: the request is over on this thread. */
static int on_logged(const struct fr_hook_call *hc, void *ud)
{
    (void)ud;
    fr_meta_remove(prio_type, 0);
    int rc = set_level(0);
    if (rc < 0)
        note(hc, 0, rc);
    return 0;
}

/* shadow before, every call: the serving thread takes the call's priority. */
static int on_arrival(const struct fr_hook_call *hc, void *ud)
{
    uint64_t v = 0;

    (void)ud;
    if (depth < DEPTH_MAX)
        saved[depth] = cur;
    depth++;
    if (fr_meta_lookup_u64(prio_type, 0, &v) < 0 || v > LEVEL_IDLE)
        v = 0;
    note(hc, (int)v, set_level((int)v));
    return 0;
}

/* shadow after: back to what the thread had before the call. */
static int on_done(const struct fr_hook_call *hc, void *ud)
{
    (void)ud;
    if (depth > 0 && --depth < DEPTH_MAX) {
        int rc = set_level(saved[depth]);
        if (rc < 0)
            note(hc, saved[depth], rc);
    }
    return 0;
}

/* Can a thread of this FMP go idle and come back? (on a thread of its own,
 * which may stay idle when it cannot) */
static void *probe(void *arg)
{
    *(int *)arg = set_level(LEVEL_IDLE) == 0 && set_level(0) == 0 && set_level(10) == 0 &&
                  set_level(0) == 0;
    return NULL;
}

int fr_meta_init(const char *args)
{
    static const struct fr_meta_type t = { .name = "httpd.priority", .kind = FR_META_U64,
                                           .merge = FR_MERGE_REPLACE, .mask = FR_META_CALLS };
    const struct fr_hook hooks[] = {
        { .modules = "parser", .functions = "http_parse", .agent_before = on_parse },
        { .modules = "accesslog", .functions = "log_request", .agent_after = on_logged },
        { .shadow_before = on_arrival, .shadow_after = on_done },
    };
    pthread_t th;
    int ok = 0, rc;

    if (strncmp(args, "log=", 4) == 0) {
        if ((logfd = open(args + 4, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0)
            return -errno;
    } else if (*args) {
        fprintf(stderr, "httpd-priority: unknown args '%s' (log=PATH, or none)\n", args);
        return -EINVAL;
    }
    errno = 0;
    base_nice = getpriority(PRIO_PROCESS, 0);
    if (errno)
        return -errno;
    if (pthread_create(&th, NULL, probe, &ok) != 0 || pthread_join(th, NULL) != 0)
        return -EAGAIN;
    if (!ok) {
        fprintf(stderr, "httpd-priority: a thread of this FMP cannot return to its normal "
                "priority from SCHED_IDLE or nice 10\n  hint: start the server with "
                "RLIMIT_NICE >= 20 (`ulimit -e 20`, `prlimit --nice=20`, limits.conf), or "
                "give the FMP env: {privileges: keep} when the root runs as root\n");
        return -EPERM;
    }
    if ((rc = fr_meta_type_register(&t, &prio_type)) < 0)
        return rc;
    for (size_t i = 0; i < sizeof hooks / sizeof hooks[0]; i++)
        if ((rc = fr_hook_register(&hooks[i], NULL)) < 0)
            return rc;
    return 0;
}
