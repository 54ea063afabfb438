#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_walk(FR_CALLBACK void (*fn)(void *ctx, int v), FR_OPAQUE void *ctx,
              FR_IN(n) const int *v, int n)
{
    for (int i = n - 1; i >= 0; i--)
        fn(ctx, v[i] + i);
}
