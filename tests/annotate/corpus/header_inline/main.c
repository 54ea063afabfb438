/* A static inline function in a header, used by both modules, beside a cross call.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d %d\n", sq_plus(3), lib_sq_twice(3));
    return 0;
}
