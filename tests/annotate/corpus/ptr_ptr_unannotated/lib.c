#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_deref(int **pp)
{
    return **pp;
}
