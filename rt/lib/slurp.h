/*
 * slurp.h - the whole of a file or a pipe in memory, up to a limit: a
 * deployment config, a sandbox profile, a training trace, bench figures
 * and environment files are small, and each reader wants them whole
 * (libyaml, jansson and the config parser read from memory).
 */
#ifndef FR_SLURP_H
#define FR_SLURP_H

#include <stddef.h>
#include <stdint.h>

/* No limit but memory. */
#define FR_SLURP_ALL (SIZE_MAX - 1)

/* fr__slurp_fd - read @fd to its end, or to one byte past @max (so that
 * *len > @max tells the caller "too big"), into a new NUL-terminated
 * buffer under @ctx (*len bytes, the NUL not counted; the caller owns
 * it).  NULL with errno set. */
char *fr__slurp_fd(void *ctx, int fd, size_t max, size_t *len);

/* fr__slurp_file - the same for the file at @path. */
char *fr__slurp_file(void *ctx, const char *path, size_t max, size_t *len);

/* fr__path_abs - @path made absolute against the working directory now
 * (a file written at exit, when the program may have changed directory):
 * 0 and *@out (malloc, the caller's), or a negative errno. */
int fr__path_abs(const char *path, char **out);

#endif /* FR_SLURP_H */
