#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_total(int rows, FR_IN(rows) const int *const *m)
{
    int s = 0;
    for (int i = 0; i < rows; i++)
        s += m[i][0] + m[i][1];
    return s;
}
