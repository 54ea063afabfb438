#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_upper(char *s)
{
    for (; *s; s++)
        *s = (char)(*s - 32);
}
