/*
 * hooklog.c - the meta-application of the hook tests: every action of
 * every module call, one line each, appended to a log; and, on request, a
 * failure or a delay.  Args (the config's `args:`, or HOOKLOG_ARGS when
 * registered by code): "log=PATH[,fail=FUNCTION:ACTION:ERRNO][,delay=FUNCTION:MS]".
 *
 * A line: "ACTION fmp=FMP pid=PID CALLER->MODULE.FUNCTION(ARGS) result=R";
 * without fmp= and pid= it is the same in every deployment.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fracture/hook.h>

static int logfd = -1;
static char fail_fn[64], delay_fn[64];
static int fail_action, fail_errno, delay_ms;

static const char *const names[] = { "", "agent_before", "shadow_before", "shadow_after",
                                     "agent_after" };

static int fmt_arg(char *p, size_t room, const struct fr_hook_call *hc, unsigned i)
{
    struct fr_hook_arg a;
    int rc = fr_hook_arg(hc, i, &a), n = 0;

    if (rc < 0)
        return snprintf(p, room, "%s=?%d", hc->params[i].name, rc);
    switch (a.kind) {
    case FR_P_SCALAR:
        if (a.len == sizeof(int)) {
            int x;
            memcpy(&x, a.ptr, sizeof x);
            return snprintf(p, room, "%s=%d", a.name, x);
        }
        return snprintf(p, room, "%s=<%zu bytes>", a.name, a.len);
    case FR_P_STRING:
        return snprintf(p, room, "%s=\"%s\"", a.name, a.ptr ? (const char *)a.ptr : "(null)");
    case FR_P_IN: case FR_P_INOUT:
        n = snprintf(p, room, "%s=[", a.name);
        for (size_t k = 0; a.ptr && k + sizeof(int) <= a.len && (size_t)n < room; k += sizeof(int)) {
            int x;
            memcpy(&x, (const char *)a.ptr + k, sizeof x);
            n += snprintf(p + n, room - (size_t)n, "%s%d", k ? " " : "", x);
        }
        return n + snprintf(p + n, room > (size_t)n ? room - (size_t)n : 0, "]");
    case FR_P_CALLBACK:
        return snprintf(p, room, "%s=<callback>", a.name);
    default:
        return snprintf(p, room, "%s=<kind %u>", a.name, a.kind);
    }
}

static int act(const struct fr_hook_call *hc, void *ud)
{
    char line[1024];
    int n;

    (void)ud;
    n = snprintf(line, sizeof line, "%s fmp=%s pid=%d %s->%s.%s(", names[hc->action], hc->fmp,
                 hc->pid, hc->caller_name, hc->module_name, hc->function_name);
    for (unsigned i = 0; i < hc->nparams && n < (int)sizeof line - 64; i++) {
        if (i)
            line[n++] = ' ';
        n += fmt_arg(line + n, sizeof line - (size_t)n - 64, hc, i);
    }
    n += snprintf(line + n, sizeof line - (size_t)n, ") result=%d\n", hc->result);
    if (logfd >= 0 && write(logfd, line, (size_t)n) < 0)
        return -EIO;
    if (delay_ms && strcmp(hc->function_name, delay_fn) == 0 &&
        hc->action == FR_HOOK_AGENT_BEFORE) {
        struct timespec ts = { delay_ms / 1000, (long)(delay_ms % 1000) * 1000000 };
        nanosleep(&ts, NULL);
    }
    if (fail_errno && strcmp(hc->function_name, fail_fn) == 0 && (int)hc->action == fail_action)
        return -fail_errno;
    return 0;
}

static int action_of(const char *s)
{
    for (int i = 1; i <= 4; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return 0;
}

int fr_meta_init(const char *args)
{
    char buf[512], *save = NULL;
    struct fr_hook h = { .agent_before = act, .shadow_before = act, .shadow_after = act,
                         .agent_after = act };

    snprintf(buf, sizeof buf, "%s", args ? args : "");
    for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        if (strncmp(kv, "log=", 4) == 0) {
            logfd = open(kv + 4, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (logfd < 0)
                return -errno;
        } else if (strncmp(kv, "fail=", 5) == 0) {
            char act_name[32];
            if (sscanf(kv + 5, "%63[^:]:%31[^:]:%d", fail_fn, act_name, &fail_errno) != 3 ||
                !(fail_action = action_of(act_name)))
                return -EINVAL;
        } else if (strncmp(kv, "delay=", 6) == 0) {
            if (sscanf(kv + 6, "%63[^:]:%d", delay_fn, &delay_ms) != 2)
                return -EINVAL;
        } else if (strcmp(kv, "refuse") == 0) {
            return -EPERM;    /* the bad-input test of an entry point that fails */
        } else {
            return -EINVAL;
        }
    }
    return fr_hook_register(&h, NULL);
}

/* Without a config (one process), the tests preload it: HOOKLOG_ARGS
 * registers it by code before main(). */
__attribute__((constructor)) static void by_env(void)
{
    const char *a = getenv("HOOKLOG_ARGS");

    if (a && fr_meta_init(a) < 0)
        _exit(99);
}
