#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

long lib_inc(_Atomic long v)
{
    v += 1;
    return v;
}
