#include <fracture.h>
#include <string.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_copy_sum(const int *v)
{
    int w[4];
    memcpy(w, v, sizeof w);
    return w[0] + w[1] + w[2] + w[3];
}
