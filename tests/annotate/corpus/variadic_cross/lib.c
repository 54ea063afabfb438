#include <fracture.h>
#include <stdarg.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_sum(int n, ...)
{
    va_list ap;
    int s = 0;
    va_start(ap, n);
    while (n--)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}
