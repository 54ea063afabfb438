#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, FR_RESTARTABLE);

int lib_a(int x)
{
    return lib_b(x) + 1;
}
