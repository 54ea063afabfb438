#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_bump(union num *u)
{
    u->i += 1;
}
