/* FR_OUT(1) struct point *out: filled by the callee only.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    struct point p = {-1, -1};
    int rc = lib_origin(&p, 4);
    printf("%d %d %d\n", rc, p.x, p.y);
    return 0;
}
