/* Handles and returned buffers: an incomplete type passed and returned as
 * a handle, FR_RET(n) owned and not, descriptors both ways. */
#include <fracture.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vault.h"

FRACTURE_MODULE(vault, FR_RESTARTABLE);

struct vault {
    int v[8];
    int n;
};

struct vault *vault_open(int seed)
{
    struct vault *x = calloc(1, sizeof *x);
    for (int i = 0; x && i < 8; i++)
        x->v[i] = seed * (i + 1);
    if (x)
        x->n = 8;
    return x;
}

FR_RET(n) const int *vault_peek(FR_OPAQUE struct vault *x, int n)
{
    return n <= x->n ? x->v : NULL;
}

FR_RET(n) FR_RET_OWNED int *vault_copy(struct vault *x, int n)
{
    int *c = malloc(sizeof *c * (size_t)n);
    if (c)
        memcpy(c, x->v, sizeof *c * (size_t)n);
    return c;
}

void vault_close(struct vault *x)
{
    free(x);
}

ssize_t vault_write(FR_FD int fd, const char *s)
{
    return write(fd, s, strlen(s));
}

FR_RET_FD int vault_pipe(const char *msg)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    if (write(p[1], msg, strlen(msg)) < 0) {
        close(p[0]);
        p[0] = -1;
    }
    close(p[1]);
    return p[0];
}
