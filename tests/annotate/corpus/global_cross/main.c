/* a non-const global of one module used from another.  EXPECT: refused */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    lib_tick();
    printf("%d\n", lib_ticks);
    return 0;
}
// expect-error: main.c:8:20 global variable 'lib_ticks' of module 'lib' is used from module 'main'
