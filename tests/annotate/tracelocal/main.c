/*
 * main.c - tracelocal: what a callee in the caller's own FMP is handed
 * while tracing (a training run all in one, rt/lib/local.c).  It must be
 * what the plain program's function is handed: the caller's FR_OUT buffer
 * as it is (not zeroed, as a split callee's copy is) and the caller's own
 * descriptor for an FR_FD (not a duplicate).  The test runs the plain
 * build and the traced one and compares their output.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"

int main(void)
{
    char buf[8];
    int first, fd;

    memset(buf, 'x', sizeof buf);
    first = lib_peek_out(buf, sizeof buf);
    printf("the out buffer held '%c', then '%s'\n", first ? first : '0', buf);
    fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return 1;
    printf("the callee saw %s descriptor\n", lib_fd_is(fd, fd) ? "the caller's own" : "another");
    close(fd);
    return 0;
}
