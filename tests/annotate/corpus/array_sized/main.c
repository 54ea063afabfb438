/* const int a[4] and int out[5]: array parameters with a size, copied whole.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int a[4] = {1, 2, 3, 4}, out[5];
    lib_iota(out);
    printf("%d %d %d\n", lib_sum4(a), out[0], out[4]);
    return 0;
}
