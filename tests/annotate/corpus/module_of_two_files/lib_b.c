#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, FR_RESTARTABLE);

int lib_b(int x)
{
    return x * 10;
}
