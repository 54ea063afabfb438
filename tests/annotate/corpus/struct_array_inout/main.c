/* FR_INOUT(n) on an array of structs, changed in place.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    struct point p[3] = {{1, 2}, {3, 4}, {5, 6}};
    lib_swap_all(p, 3);
    printf("%d %d %d %d\n", p[0].x, p[0].y, p[2].x, p[2].y);
    return 0;
}
