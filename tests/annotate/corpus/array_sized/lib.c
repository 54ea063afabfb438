#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_sum4(const int a[4])
{
    int s = 0;
    for (int i = 0; i < 4; i++)
        s += a[i] * (i + 1);
    return s;
}

void lib_iota(int out[5])
{
    for (int i = 0; i < 5; i++)
        out[i] = 100 + i;
}
