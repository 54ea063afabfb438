/* const int a[n]: a variable-length array parameter, sized by n.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int a[6] = {1, 2, 3, 4, 5, 6};
    printf("%d %d\n", lib_vsum(6, a), lib_vsum(2, a));
    return 0;
}
