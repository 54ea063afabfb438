#include <fracture.h>
#include <stdlib.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

FR_RET(n) FR_RET_OWNED int *lib_range(int n)
{
    int *r = malloc((size_t)n * sizeof *r);
    for (int i = 0; r && i < n; i++)
        r[i] = i * i;
    return r;
}
