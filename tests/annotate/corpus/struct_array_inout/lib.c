#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_swap_all(FR_INOUT(n) struct point *p, int n)
{
    for (int i = 0; i < n; i++) {
        int t = p[i].x;
        p[i].x = p[i].y;
        p[i].y = t;
    }
}
