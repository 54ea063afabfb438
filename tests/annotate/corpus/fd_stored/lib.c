#include <fracture.h>
#include <string.h>
#include <unistd.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

static int logfd = -1;

void lib_log_to(FR_FD int fd)
{
    logfd = fd;
}

void lib_log(const char *msg)
{
    if (logfd >= 0 && write(logfd, msg, strlen(msg)) < 0)
        logfd = -1;
}
