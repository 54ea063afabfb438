/*
 * slurp.h - the whole of a file or a pipe in memory: traces, bench
 * figures and environment files are small, and each reader wants them
 * whole (jansson and the config parser read from memory).
 */
#ifndef FR_SLURP_H
#define FR_SLURP_H

#include <stddef.h>

/* fr__slurp_fd - read @fd to its end into a new NUL-terminated buffer
 * under @ctx (*len bytes, the NUL not counted).  NULL with errno set. */
char *fr__slurp_fd(void *ctx, int fd, size_t *len);

/* fr__slurp_file - the same for the file at @path. */
char *fr__slurp_file(void *ctx, const char *path, size_t *len);

#endif /* FR_SLURP_H */
