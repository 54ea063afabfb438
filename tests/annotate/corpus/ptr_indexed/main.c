/* const int *v inferred as one element but indexed with a variable: FR_IN(n) is needed.  EXPECT: refused */
// expect-error: lib.c:6:24 indexes it
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int v[4] = {1, 2, 3, 4};
    printf("%d\n", lib_sum(v, 4));
    return 0;
}
