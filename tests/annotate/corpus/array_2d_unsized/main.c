/* int m[][3] with no count: an array parameter the annotator cannot size.  EXPECT: refused */
// expect-error: lib.c:6:35 array
#include <stdio.h>
#include "lib.h"

int main(void)
{
    const int m[2][3] = {{1, 2, 3}, {4, 5, 6}};
    printf("%d\n", lib_trace(2, m));
    return 0;
}
