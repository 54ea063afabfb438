#ifndef VAULT_H
#define VAULT_H
#include <sys/types.h>
#include <fracture.h>
struct vault;
struct vault *vault_open(int seed);
FR_RET(n) const int *vault_peek(FR_OPAQUE struct vault *x, int n);
FR_RET(n) FR_RET_OWNED int *vault_copy(struct vault *x, int n);
void vault_close(struct vault *x);
ssize_t vault_write(FR_FD int fd, const char *s);
FR_RET_FD int vault_pipe(const char *msg);
#endif
