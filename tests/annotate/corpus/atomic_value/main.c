/* an _Atomic-qualified scalar parameter by value.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%ld\n", lib_inc(41));
    return 0;
}
