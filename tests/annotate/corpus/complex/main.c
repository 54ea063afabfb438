/* double _Complex parameters and return.  EXPECT: same */
#include <complex.h>
#include <stdio.h>
#include "lib.h"

int main(void)
{
    double _Complex z = lib_cmul(1.0 + 2.0 * I, 3.0 - 1.0 * I);
    printf("%.1f %.1f\n", creal(z), cimag(z));
    return 0;
}
