/* register storage class on parameters.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d\n", lib_sq(12));
    return 0;
}
