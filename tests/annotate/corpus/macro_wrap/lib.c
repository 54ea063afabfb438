#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_twice(int x)
{
    return 2 * x;
}

int lib_clamp(int x, int lo, int hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}
