/* FR_FD used only during the call: the callee writes to the caller's descriptor.  EXPECT: same */
#include <stdio.h>
#include <unistd.h>
#include "lib.h"

int main(void)
{
    printf("before\n");
    fflush(stdout);
    printf("wrote %d\n", lib_say(STDOUT_FILENO, 3));
    return 0;
}
