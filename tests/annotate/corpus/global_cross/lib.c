#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_ticks;

void lib_tick(void)
{
    lib_ticks++;
}
