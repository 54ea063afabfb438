#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(outer, 0);

FR_MODULE(inner, 0) int lib_inner(int x)
{
    return x * 3;
}

int lib_outer(int x)
{
    return lib_inner(x) + lib_inner(x + 1);
}
