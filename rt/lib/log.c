/*
 * log.c - the runtime's messages and its failed invariants (log.h).
 */
#include "log.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "state.h"

static const char *fmp_name(void)
{
    return fr__rt.fmps ? fr__rt.fmps[fr__rt.self].name : "root";
}

void fr__log(const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    /* one write per line: lines of several FMPs never interleave */
    n = snprintf(buf, sizeof buf, "fracture: %s: ", fmp_name());
    va_start(ap, fmt);
    vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", buf);
}

void fr__assert_fail(const char *file, int line, const char *what, const char *fmt, ...)
{
    char state[512] = "";
    va_list ap;

    if (fmt) {
        va_start(ap, fmt);
        vsnprintf(state, sizeof state, fmt, ap);
        va_end(ap);
    }
    fprintf(stderr, "fracture: internal error: %s:%d: FMP %s: assertion failed: %s%s%s%s\n",
            file, line, fmp_name(), what, fmt ? " (" : "", state, fmt ? ")" : "");
    abort();
}

const char *fr__describe_status(int status, char *buf, size_t len)
{
    if (status == FR_STATUS_DYING)
        snprintf(buf, len, "died (every thread of it ended; its exit status was not known yet)");
    else if (WIFSIGNALED(status))
        snprintf(buf, len, "was killed by signal %d (SIG%s)", WTERMSIG(status),
                 sigabbrev_np(WTERMSIG(status)) ? sigabbrev_np(WTERMSIG(status)) : "?");
    else if (WIFEXITED(status))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
    else
        snprintf(buf, len, "stopped (status 0x%x)", status);
    return buf;
}
