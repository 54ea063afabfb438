/* A callback taking a void * context that points into the caller's memory.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

struct acc { long sum; int calls; };

static void add(FR_OPAQUE void *ctx, int v)
{
    struct acc *a = ctx;
    a->sum += v;
    a->calls++;
}

int main(void)
{
    struct acc a = {0, 0};
    const int v[4] = {10, 20, 30, 40};
    lib_walk(add, &a, v, 4);
    printf("%ld %d\n", a.sum, a.calls);
    return 0;
}
