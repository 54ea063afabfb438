#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_apply(map_fn f, int v)
{
    return f(v) + 1;
}
