/* A const global table of one module read from another.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d %d\n", lib_primes[3], lib_nth_prime(5));
    return 0;
}
