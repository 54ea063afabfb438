/* FR_IN(n) with n < 0: the callee checks n first; nothing is copied.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int v[3] = {1, 2, 3};
    printf("%d %d\n", lib_sum(v, 3), lib_sum(v, -1));
    return 0;
}
