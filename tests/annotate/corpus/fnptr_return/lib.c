#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

static int neg(int x)
{
    return -x;
}

static int dbl(int x)
{
    return 2 * x;
}

op_fn lib_pick(int which)
{
    return which ? dbl : neg;
}
