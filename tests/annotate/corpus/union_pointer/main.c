/* union num *u: a pointer to a union, inferred FR_INOUT(1).  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    union num u = {.i = 41};
    lib_bump(&u);
    printf("%d\n", u.i);
    return 0;
}
