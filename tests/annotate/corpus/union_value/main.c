/* A union passed and returned by value.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    union num u = {.i = 0x3f800000};
    union num r = lib_flip(u);
    printf("%08x %.2f\n", (unsigned)r.i, (double)lib_as_float(u));
    return 0;
}
