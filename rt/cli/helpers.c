/*
 * helpers.c - finding the bench's helper programs and making its private
 * directories (helpers.h).  The helpers are installed beside `fracture`
 * (bin/), and in a build tree they are built beside it (rt/), so "the
 * directory of /proc/self/exe" finds them in both without a search path
 * that a stray program of the same name could win.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"

int fr__helper_path(const char *name, char *buf, size_t len)
{
    char exe[4096], *slash;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

    if (n <= 0)
        return -(errno ? errno : ENOENT);
    exe[n] = '\0';
    if (!(slash = strrchr(exe, '/')))
        return -ENOENT;
    *slash = '\0';
    int w = snprintf(buf, len, "%s/%s", exe, name);
    return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

int fr__bench_mkdtemp(char *buf, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    int n;

    if (!tmp || !*tmp)
        tmp = "/tmp";
    n = snprintf(buf, len, "%s/fracture-bench-XXXXXX", tmp);
    if (n < 0 || (size_t)n >= len)
        n = snprintf(buf, len, "/tmp/fracture-bench-XXXXXX");   /* too long a TMPDIR */
    return n > 0 && mkdtemp(buf) ? 0 : -errno;
}
