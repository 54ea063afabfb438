/*
 * fault.c - the crash-point harness (fault.h): arming from the
 * environment, counting, and the kill.
 */
#include "fault.h"

#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fr__fault_armed;
static enum fr_fault_point target;
static int stop_instead;      /* POINT:N:stop: SIGSTOP, a hung FMP, not a dead one */
static _Atomic long countdown;
static int log_fd = -1;
static char fail_name[32];    /* a failure point (fault.h), armed by name */
static const char *const fail_points[] = {"worker-start"};

static const char *const names[FR_FP_COUNT] = {
    [FR_FP_NONE] = "none",
#define FR__FP_NAME(id, name) [FR_FP_##id] = name,
    FR_FAULT_POINTS(FR__FP_NAME)
#undef FR__FP_NAME
};

const char *fr__fault_name(enum fr_fault_point p)
{
    return p > FR_FP_NONE && p < FR_FP_COUNT ? names[p] : "none";
}

static enum fr_fault_point parse_point(const char *v, size_t len)
{
    char *end;
    long n = strtol(v, &end, 10);

    if (len > 0 && (size_t)(end - v) == len)
        return n > FR_FP_NONE && n < FR_FP_COUNT ? (enum fr_fault_point)n : FR_FP_NONE;
    for (int p = FR_FP_NONE + 1; p < FR_FP_COUNT; p++)
        if (strlen(names[p]) == len && strncmp(v, names[p], len) == 0)
            return (enum fr_fault_point)p;
    return FR_FP_NONE;
}

/* The root calls it too (start.c, @may_kill 0): with FRACTURE_FAULT_LOG it
 * counts its own caller half; it is never killed (the root's death ends
 * the program: no policy brings it back). */
void fr__fault_init(int may_kill)
{
    const char *v = getenv("FRACTURE_FAULT"), *logp = getenv("FRACTURE_FAULT_LOG");
    const char *colon;

    if (logp && *logp && log_fd < 0) {
        log_fd = open(logp, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (log_fd >= 0)
            fr__fault_armed = 1;
    }
    if (!may_kill || !v || !*v)
        return;
    colon = strchr(v, ':');
    target = parse_point(v, colon ? (size_t)(colon - v) : strlen(v));
    for (size_t i = 0; target == FR_FP_NONE && i < sizeof fail_points / sizeof *fail_points; i++) {
        size_t len = colon ? (size_t)(colon - v) : strlen(v);
        if (strlen(fail_points[i]) == len && strncmp(v, fail_points[i], len) == 0) {
            snprintf(fail_name, sizeof fail_name, "%s", fail_points[i]);
            countdown = colon ? strtol(colon + 1, NULL, 10) : 1;
            if (countdown < 1)
                countdown = 1;
            fr__fault_armed = 1;
            return;
        }
    }
    if (target == FR_FP_NONE) {
        fprintf(stderr, "fracture: FRACTURE_FAULT=%s names no crash point (1..%d or a name)\n",
                v, FR_FP_COUNT - 1);
        return;
    }
    countdown = colon ? strtol(colon + 1, NULL, 10) : 1;
    if (countdown < 1)
        countdown = 1;
    stop_instead = colon && strstr(colon + 1, ":stop") != NULL;
    fr__fault_armed = 1;
}

int fr__fault_fails(const char *point)
{
    return fail_name[0] && strcmp(point, fail_name) == 0 &&
           atomic_fetch_sub(&countdown, 1) <= 1;
}

static void say(const char *what, enum fr_fault_point p)
{
    char line[64];
    int n;

    if (log_fd < 0)
        return;
    /* one write(2) per line: O_APPEND keeps lines of several processes whole */
    n = snprintf(line, sizeof line, "%s %d %s\n", what, (int)p, names[p]);
    if (n > 0 && write(log_fd, line, (size_t)n) < 0)
        return;
}

void fr__fault_point(enum fr_fault_point p)
{
    if (target == p && atomic_fetch_sub(&countdown, 1) == 1) {
        say(stop_instead ? "stop" : "kill", p);
        /* every thread stops with it, as under a debugger; only SIGKILL
         * (the caller's call_timeout_ms) ends it */
        raise(stop_instead ? SIGSTOP : SIGKILL);
    }
    say("hit", p);
}
