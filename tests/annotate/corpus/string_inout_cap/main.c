/* FR_STRING FR_INOUT(cap) char *buf: a string edited in place within cap bytes.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    char buf[32] = "split me";
    printf("%d %s\n", lib_upper(buf, sizeof buf), buf);
    return 0;
}
