#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "vault.h"

int main(void)
{
    struct vault *x = vault_open(3);
    const int *p = vault_peek(x, 4);
    int *c = vault_copy(x, 8);
    char buf[32] = {0};
    int fd;

    printf("peek %d %d %s\n", p[0], p[3], vault_peek(x, 99) ? "?" : "(null)");
    printf("copy %d %d\n", c[0], c[7]);
    free(c);
    fflush(stdout);
    printf(" wrote %zd\n", vault_write(1, "to stdout"));
    fd = vault_pipe("through a pipe");
    if (read(fd, buf, sizeof buf - 1) < 0)
        return 1;
    close(fd);
    printf("pipe %s\n", buf);
    vault_close(x);
    return 0;
}
