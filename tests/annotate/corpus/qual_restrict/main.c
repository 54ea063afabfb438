/* restrict-qualified FR_OUT(n) / FR_IN(n) buffers.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int src[4] = {1, 2, 3, 4}, dst[4] = {0};
    lib_scale(dst, src, 4, 10);
    printf("%d %d %d %d\n", dst[0], dst[1], dst[2], dst[3]);
    return 0;
}
