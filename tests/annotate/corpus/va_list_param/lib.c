#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_vsum(int n, va_list ap)
{
    int s = 0;
    while (n--)
        s += va_arg(ap, int);
    return s;
}
