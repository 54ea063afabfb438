/* enum and bool parameters and returns.  EXPECT: same */
#include <stdbool.h>
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d %d %d\n", lib_warm(RED, false), lib_warm(BLUE, true), (int)lib_next(GREEN));
    return 0;
}
