#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_count(const int *p)
{
    int n = 0;
    while (*p) {
        n++;
        p++;
    }
    return n;
}
