#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_vsum(int n, const int a[n])
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += a[i] * a[i];
    return s;
}
