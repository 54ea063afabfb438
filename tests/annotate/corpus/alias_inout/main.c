/* Aliasing FR_INOUT arguments: lib_add(&p, &p) must see one object.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int p = 2, q = 2, r = 5;
    lib_add(&p, &p);
    lib_add(&q, &r);
    printf("%d %d %d\n", p, q, r);
    return 0;
}
