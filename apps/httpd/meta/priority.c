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
 * type "httpd.priority" (merge REPLACE, FR_META_CALLS) on the connection's
 * thread, 0 included, so every call the thread makes carries it, and so
 * does every nested call.  Transfer-point callbacks do the rest in every
 * FMP (fr_meta_on_transfer; calls within one FMP pass the same points):
 * at FR_META_CALL_IN the thread about to serve the call takes its level,
 * at FR_META_REPLY_OUT, the call done, it goes back to what it had (a
 * stack per thread: a thread serves calls inside calls, its own module's
 * in one FMP, nested ones back from another).  Only the agents, in the
 * caller and around a call, set the item (the access log call, the last of
 * each request, clears it), so every call that arrives with it leaves
 * with it and the two points pair up.
 *
 * Going back from SCHED_IDLE or a raised nice needs CAP_SYS_NICE or
 * RLIMIT_NICE >= 20 in every FMP (a child of a root running as root drops
 * its capabilities unless env: {privileges: keep}; rlimits are inherited):
 * fr_meta_init tries it on a thread of its own and refuses to start, with
 * the fix, where it cannot.  args: "log=PATH" appends a line per action:
 * "FMP FUNCTION LEVEL POLICY NICE" as the kernel reports them (the test's;
 * FMP as `ps` shows it, fr:NAME, at most 12 characters).
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

/* This FMP's name: a child's process is fr:NAME (README), named once it
 * starts, after fr_meta_init: read at the first note, through commfd. */
static int commfd = -1;
static char fmp[16] = "root";
static pthread_once_t fmp_once = PTHREAD_ONCE_INIT;

static void name_fmp(void)
{
    char c[17];
    ssize_t n = commfd >= 0 ? pread(commfd, c, sizeof c - 1, 0) : -1;

    c[n > 0 ? n : 0] = '\0';
    c[strcspn(c, "\n")] = '\0';
    if (strncmp(c, "fr:", 3) == 0)
        snprintf(fmp, sizeof fmp, "%s", c + 3);
}

/* After set_level(@level) gave @rc serving @fn: say a failure, log the
 * thread's state. */
static void note(const char *fn, int level, int rc)
{
    char line[256];
    int n;

    pthread_once(&fmp_once, name_fmp);
    if (rc < 0)
        fprintf(stderr, "httpd-priority: FMP %s, %s: cannot set priority %d: %s\n", fmp, fn,
                level, strerror(-rc));
    if (logfd < 0)
        return;
    n = snprintf(line, sizeof line, "%s %s %d %d %d\n", fmp, fn, cur, sched_getscheduler(0),
                 getpriority(PRIO_PROCESS, (id_t)gettid()));
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
    rc = fr_meta_insert_u64(prio_type, 0, (uint64_t)level);
    if (rc == 0)
        rc = set_level(level);
    note(hc->function_name, level, rc);
    return 0;
}

/* agent after accesslog.log_request: the request is over on this thread. */
static int on_logged(const struct fr_hook_call *hc, void *ud)
{
    (void)ud;
    fr_meta_remove(prio_type, 0);
    int rc = set_level(0);
    if (rc < 0)
        note(hc->function_name, 0, rc);
    return 0;
}

/* CALL_IN: the serving thread takes the call's level, keeping its own;
 * REPLY_OUT: the call is done, back to the one kept. */
static void on_transfer(const struct fr_meta_transfer *t, void *ctx)
{
    const char *fn = t->function ? t->function : "-";
    int level = t->value->u64 <= LEVEL_IDLE ? (int)t->value->u64 : 0;

    (void)ctx;
    if (t->point == FR_META_CALL_IN) {
        if (depth < DEPTH_MAX)
            saved[depth] = cur;
        depth++;
        note(fn, level, set_level(level));
    } else if (depth > 0 && --depth < DEPTH_MAX) {
        int rc = set_level(saved[depth]);
        if (rc < 0)
            note(fn, saved[depth], rc);
    }
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
    commfd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);   /* no name: "root" */
    if ((rc = fr_meta_type_register(&t, &prio_type)) < 0 ||
        (rc = fr_meta_on_transfer(prio_type, FR_META_CALL_IN | FR_META_REPLY_OUT, on_transfer,
                                  NULL)) < 0)
        return rc;
    for (size_t i = 0; i < sizeof hooks / sizeof hooks[0]; i++)
        if ((rc = fr_hook_register(&hooks[i], NULL)) < 0)
            return rc;
    return 0;
}
