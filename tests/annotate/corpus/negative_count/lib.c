#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_sum(FR_IN(n) const int *v, int n)
{
    int s = 0;
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}
