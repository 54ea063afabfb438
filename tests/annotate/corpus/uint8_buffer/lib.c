#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_zero(uint8_t *dest, size_t n)
{
    while (n--)
        dest[n] = 0;
}
