/* a variadic function called from another module.  EXPECT: refused */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d\n", lib_sum(3, 1, 2, 3));
    return 0;
}
// expect-error: main.c:7:20 variadic function
