#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_sq_twice(int x)
{
    return sq_plus(sq_plus(x));
}
