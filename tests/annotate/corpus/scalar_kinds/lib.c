#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

long long lib_mix(signed char c, unsigned short s, long long l, float f, size_t n)
{
    return c + s + l + (long long)(f * 2) + (long long)n;
}
