/* A logger that keeps the descriptor it is given (FR_FD_KEEP) from an
 * FR_INIT call: after a crash the restarted FMP has its own duplicate
 * again, as the replayed klog_open() gives it. */
#include <fracture.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "klog.h"

FRACTURE_MODULE(klog, FR_RESTARTABLE);

static int log_fd = -1;

void klog_open(FR_FD_KEEP int fd)
{
    log_fd = fd;
}

int klog_line(const char *s)
{
    size_t n = strlen(s);

    if (strcmp(s, "boom") == 0)
        return getenv("KLOG_CRASH") ? (abort(), -1) : 0;
    return write(log_fd, s, n) == (ssize_t)n ? 0 : -2;
}
