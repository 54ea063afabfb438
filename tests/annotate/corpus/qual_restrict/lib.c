#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_scale(FR_OUT(n) int *restrict dst, FR_IN(n) const int *restrict src, int n, int k)
{
    for (int i = 0; i < n; i++)
        dst[i] = src[i] * k;
}
