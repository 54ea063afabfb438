#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

union num lib_flip(union num u)
{
    union num r;
    for (int i = 0; i < 4; i++)
        r.b[i] = u.b[3 - i];
    return r;
}

float lib_as_float(union num u)
{
    return u.f * 2;
}
