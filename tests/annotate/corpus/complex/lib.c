#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

double _Complex lib_cmul(double _Complex a, double _Complex b)
{
    return a * b;
}
