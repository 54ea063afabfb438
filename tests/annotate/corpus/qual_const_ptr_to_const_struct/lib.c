#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

long lib_dot(const struct vec *const v)
{
    return v->x * v->x + v->y * v->y + v->z * v->z;
}
