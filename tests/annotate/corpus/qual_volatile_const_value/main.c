/* volatile and const on scalar and struct parameters by value.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    const struct pair p = {3, 4};
    printf("%d %ld\n", lib_mix(5, 7), lib_area(p));
    return 0;
}
