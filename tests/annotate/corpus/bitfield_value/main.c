/* A struct of bit-fields passed and returned by value.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    struct flags f = {.a = 5, .b = 17, .c = -3, .d = 1};
    struct flags g = lib_next(f);
    printf("%u %u %d %u\n", g.a, g.b, g.c, g.d);
    return 0;
}
