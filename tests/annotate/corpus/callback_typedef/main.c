/* FR_CALLBACK through a function-pointer typedef, with an FR_OPAQUE context.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

static int visit(FR_OPAQUE void *ctx, int v)
{
    int *sum = ctx;
    *sum += v;
    printf("visit %d\n", v);
    return v > 2;
}

int main(void)
{
    int sum = 0;
    printf("stopped at %d\n", lib_each(visit, &sum, 5));
    printf("sum %d\n", sum);
    return 0;
}
