/* A K&R (old-style) definition behind a prototype.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%ld\n", lib_madd(3, 4, 5L));
    return 0;
}
