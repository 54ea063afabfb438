/* FR_IN(rows) const int m[][3]: rows of a 2-D array.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    const int m[3][3] = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
    printf("%d %d\n", lib_trace(3, m), lib_trace(2, m));
    return 0;
}
