#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_add(int *a, int *b)
{
    *a += 1;
    *b += *a;
}
