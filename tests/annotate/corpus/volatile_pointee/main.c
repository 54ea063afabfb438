/* volatile int *: a pointer to volatile, inferred FR_INOUT(1).  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    volatile int c = 9;
    lib_tick(&c);
    printf("%d\n", c);
    return 0;
}
