/* f(void) and void returns: calls that carry nothing.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    lib_reset();
    lib_bump();
    lib_bump();
    printf("%d\n", lib_count());
    return 0;
}
