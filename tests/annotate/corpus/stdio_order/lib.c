#include <fracture.h>
#include <stdio.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_print(int i)
{
    printf("lib %d", i * i);
}
