/* One module spread over two files with the same caps.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d %d\n", lib_a(2), lib_b(3));
    return 0;
}
