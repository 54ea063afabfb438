/* a string parameter stored in a static beyond the call (it would point into a gone copy).  EXPECT: refused */
// expect-error: lib.c:8:31 kept beyond the call
#include <stdio.h>
#include "lib.h"

int main(void)
{
    lib_remember("first");
    printf("%s\n", lib_last_initial() == 'f' ? "ok" : "bad");
    return 0;
}
