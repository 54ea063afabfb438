#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_rot(FR_STRING FR_INOUT(strlen(s) + 1) char *s)
{
    for (; *s; s++)
        *s = (char)(*s + 1);
}
