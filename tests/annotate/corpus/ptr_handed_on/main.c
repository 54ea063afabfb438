/* const int *v inferred as one element but handed on to memcpy as a 16-byte buffer.  EXPECT: refused */
// expect-error: lib.c:7:29 as a buffer
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int v[4] = {1, 2, 3, 4};
    printf("%d\n", lib_copy_sum(v));
    return 0;
}
