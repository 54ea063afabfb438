#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

static int count;

void lib_reset(void)
{
    count = 0;
}

void lib_bump(void)
{
    count++;
}

int lib_count(void)
{
    return count;
}
