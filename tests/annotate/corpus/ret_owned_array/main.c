/* FR_RET(n) FR_RET_OWNED: a malloc'ed array of n elements the caller frees.  EXPECT: same */
#include <stdio.h>
#include <stdlib.h>
#include "lib.h"

int main(void)
{
    int *r = lib_range(5);
    if (!r)
        return 1;
    printf("%d %d\n", r[0], r[4]);
    free(r);
    return 0;
}
