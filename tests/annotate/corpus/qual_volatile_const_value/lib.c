#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_mix(volatile int x, const int y)
{
    x = x * 2;
    return x + y;
}

long lib_area(const struct pair p)
{
    return (long)p.a * p.b;
}
