/* a function-pointer typedef parameter without FR_CALLBACK.  EXPECT: refused */
// expect-error: lib.c:6:22 parameter 'f' of 'lib_apply' is a function pointer without FR_CALLBACK
#include <stdio.h>
#include "lib.h"

static int twice(int v)
{
    return 2 * v;
}

int main(void)
{
    printf("%d\n", lib_apply(twice, 4));
    return 0;
}
