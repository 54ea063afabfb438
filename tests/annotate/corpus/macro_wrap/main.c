/* A function-like macro in a header wrapping a cross-module call.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d %d\n", LIB_TWICE(21), LIB_CLAMP(-5));
    return 0;
}
