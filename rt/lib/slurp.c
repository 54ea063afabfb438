/*
 * slurp.c - read a descriptor or a file whole, up to a limit (slurp.h).
 */
#include "slurp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <unistd.h>

char *fr__slurp_fd(void *ctx, int fd, size_t max, size_t *len)
{
    char *buf = NULL;
    size_t cap = 0;

    *len = 0;
    while (*len <= max) {
        if (*len + 4096 > cap) {
            char *nb = talloc_realloc(ctx, buf, char, (cap + 4096) * 2);
            if (!nb) {
                talloc_free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap = (cap + 4096) * 2;
        }
        /* never past one byte beyond @max, nor the NUL's place */
        size_t room = cap - *len - 1, want = max + 1 - *len;
        ssize_t n = read(fd, buf + *len, room < want ? room : want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = errno;
            talloc_free(buf);
            errno = err;
            return NULL;
        }
        if (n == 0)
            break;
        *len += (size_t)n;
    }
    buf[*len] = '\0';
    return buf;
}

char *fr__slurp_file(void *ctx, const char *path, size_t max, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), err;
    char *buf;

    *len = 0;
    if (fd < 0)
        return NULL;
    buf = fr__slurp_fd(ctx, fd, max, len);
    err = errno;
    close(fd);
    errno = err;
    return buf;
}

int fr__path_abs(const char *path, char **out)
{
    char cwd[PATH_MAX];

    if (path[0] == '/') {
        *out = strdup(path);
    } else if (getcwd(cwd, sizeof cwd)) {
        size_t n = strlen(cwd) + strlen(path) + 2;
        *out = malloc(n);
        if (*out)
            snprintf(*out, n, "%s/%s", cwd, path);
    } else {
        *out = NULL;
        return -errno;
    }
    return *out ? 0 : -ENOMEM;
}
