/*
 * resolve.c - module "resolve": URL path to a file under the document root.
 * The one place that decides what a client may read, so it refuses rather
 * than normalises: any ".." segment is 403, and a resolved path (symbolic
 * links followed) outside the root is 403 too.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"

/* Static helpers of this file belong to the module too (FR_MODULE moves
 * only the function it stands on). */
FRACTURE_MODULE(resolve, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE);

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

FR_MODULE(resolve, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE)
FR_ON_FAILURE(503, EAGAIN) int path_resolve(const struct conf *c, const char *urlpath, FR_OUT(cap) char *fs, size_t cap)
{
    char dec[URI_MAX + 1], real[PATH_MAX];
    size_t n = 0, rootlen = strlen(c->root);

    for (const char *p = urlpath; *p; p++) {
        int ch = (unsigned char)*p;
        if (ch == '%') {
            int hi = hexval((unsigned char)p[1]), lo = hi < 0 ? -1 : hexval((unsigned char)p[2]);
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
                return 400;
            ch = hi * 16 + lo;
            p += 2;
        }
        if (n >= URI_MAX)
            return 400;
        dec[n++] = (char)ch;
    }
    dec[n] = '\0';
    if (dec[0] != '/')
        return 400;
    for (const char *s = dec; (s = strstr(s, "..")); s += 2)
        if (s[-1] == '/' && (s[2] == '/' || s[2] == '\0'))
            return 403;
    if ((size_t)snprintf(fs, cap, "%s%s", c->root, dec) >= cap)
        return 404;
    /* A link may still lead out of the root. */
    if (!realpath(fs, real))
        return errno == EACCES ? 403 : 404;
    if (strncmp(real, c->root, rootlen) != 0 || (real[rootlen] && real[rootlen] != '/'))
        return 403;
    return 0;
}
