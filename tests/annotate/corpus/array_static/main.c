/* const int a[static 3]: static in [], at least 3 elements.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int a[3] = {7, 8, 9};
    printf("%d\n", lib_sum3(a));
    return 0;
}
