#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_each(FR_CALLBACK visit_fn f, FR_OPAQUE void *ctx, int n)
{
    for (int i = 1; i <= n; i++)
        if (f(ctx, i))
            return i;
    return 0;
}
