/* long double parameters and return.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%.18Lf\n", lib_mul(1.0L / 3, 3.000000000000000001L));
    return 0;
}
