#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_fill(unsigned char *dest, int n)
{
    for (int i = 0; i < n; i++)
        dest[i] = (unsigned char)(i + 1);
}
