#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "dev.h"

int main(void)
{
    int r;

    dev_setup(100);
    printf("read %d\n", dev_read(5));
    printf("poke %d\n", dev_poke(2));
    errno = 0;
    r = dev_poke(-1);
    printf("poke %d %s\n", r, r < 0 ? strerror(errno) : "ok");
    /* After a restart the device still knows its setup (FR_INIT replayed). */
    printf("read %d\n", dev_read(7));
    return 0;
}
