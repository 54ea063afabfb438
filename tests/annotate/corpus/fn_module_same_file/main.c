/* FR_MODULE: two modules in one file calling each other (rewritten in place).  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d\n", lib_outer(5));
    return 0;
}
