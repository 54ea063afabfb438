#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_origin(FR_OUT(1) struct point *out, int k)
{
    out->x = k;
    out->y = k * k;
    return 0;
}
