/* A limit of exactly-once replay, refused loudly: tool_use() calls back
 * into main for a descriptor, then its FMP dies (TOOL_CRASH, only in the
 * split config's first environment).  The replay makes the same callback,
 * whose recorded reply held a descriptor: it is not fed (a kept duplicate
 * would hold the file open past the callee's close), so the replayed call
 * fails alone with EXDEV through its FR_ON_FAILURE, and the FMP serves the
 * next call. */
#include <fracture.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tool.h"

FRACTURE_MODULE(tool, FR_RESTARTABLE);

int tool_use(int n)
{
    int fd = main_open();

    if (fd < 0)
        return -1;
    if (n == 1) {
        const char *c = getenv("TOOL_CRASH");
        if (c && strcmp(c, "1") == 0)
            abort();
    }
    int rc = (int)write(fd, "x", 1);
    close(fd);
    return rc + n;
}
