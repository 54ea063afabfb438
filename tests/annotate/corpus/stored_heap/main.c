/* a pointer parameter stored in a heap node reachable from a global.  EXPECT: refused */
// expect-error: lib.c:13:34 kept beyond the call
#include <stdio.h>
#include "lib.h"

int main(void)
{
    struct item a = {1}, b = {2};
    lib_push(&a);
    lib_push(&b);
    printf("%d\n", lib_sum());
    return 0;
}
