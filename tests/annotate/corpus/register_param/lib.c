#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_sq(register int x)
{
    return x * x;
}
