#include <fracture.h>
#include <stdio.h>
#include <stdlib.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_quit(int status)
{
    printf("quitting with %d\n", status);
    exit(status);
}
