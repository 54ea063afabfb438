#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_tick(volatile int *counter)
{
    *counter += 1;
}
