#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include "tool.h"

static int opened;

int main_open(void)
{
    opened++;
    return open("/dev/null", O_WRONLY | O_CLOEXEC);
}

int main(void)
{
    for (int n = 0; n < 3; n++) {
        errno = 0;
        int r = tool_use(n);
        printf("use %d: %d %s\n", n, r, r < 0 ? strerror(errno) : "ok");
    }
    printf("opened %d\n", opened);
    return 0;
}
