#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_sum3(const int a[static 3])
{
    int s = 0;
    for (int i = 0; i < 3; i++)
        s = s * 10 + a[i];
    return s;
}
