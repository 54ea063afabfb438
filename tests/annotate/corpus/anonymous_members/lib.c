#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

struct shape lib_grow(struct shape s)
{
    s.w *= 2;
    s.h += 1;
    return s;
}
