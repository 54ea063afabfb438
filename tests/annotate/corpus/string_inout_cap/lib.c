#include <fracture.h>
#include <ctype.h>
#include <string.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_upper(FR_STRING FR_INOUT(cap) char *buf, size_t cap)
{
    int n = 0;
    for (char *p = buf; *p; p++, n++)
        *p = (char)toupper((unsigned char)*p);
    if ((size_t)n + 2 < cap)
        strcat(buf, "!");
    return n;
}
