#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

long lib_madd(a, b, c)
    int a;
    int b;
    long c;
{
    return (long)a * b + c;
}
