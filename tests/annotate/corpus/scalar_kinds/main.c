/* signed char, unsigned short, long long, float and size_t by value.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%lld\n", lib_mix(-3, 65535, -9000000000LL, 2.5f, 7));
    return 0;
}
