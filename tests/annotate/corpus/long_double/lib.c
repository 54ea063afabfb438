#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

long double lib_mul(long double a, long double b)
{
    return a * b;
}
