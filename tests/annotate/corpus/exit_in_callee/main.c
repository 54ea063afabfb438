/* exit(3) in the callee's module ends the program with status 3, output flushed.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("start\n");
    lib_quit(3);
    printf("not reached\n");
    return 0;
}
