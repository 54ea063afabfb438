/* an FR_FD parameter stored for later writes (FR_FD_KEEP is the fix).  EXPECT: refused */
// expect-error: lib.c:10:27 kept beyond the call
#include <unistd.h>
#include "lib.h"

int main(void)
{
    lib_log_to(STDOUT_FILENO);
    lib_log("hello\n");
    return 0;
}
