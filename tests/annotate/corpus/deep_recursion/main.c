/* recursion 200 calls deep alternating between two modules.  EXPECT: same */
#include <stdio.h>
#include "parity.h"

int main(void)
{
    printf("%ld\n", even_sum(200));
    return 0;
}
