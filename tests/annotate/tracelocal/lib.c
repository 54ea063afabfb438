/*
 * lib.c - module "lib" of the tracelocal app.
 */
#include <fcntl.h>

#include "lib.h"

FRACTURE_MODULE(lib, FR_RESTARTABLE);

int lib_peek_out(char *out, size_t n)
{
    int first = n ? out[0] : 0;

    for (size_t i = 0; i + 1 < n; i++)
        out[i] = 'y';
    if (n)
        out[n - 1] = '\0';
    return first;
}

int lib_fd_is(int fd, int number)
{
    return fd == number && fcntl(fd, F_GETFD) >= 0;
}
