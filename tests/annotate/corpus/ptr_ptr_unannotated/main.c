/* int **pp with no annotation: a pointer to pointers.  EXPECT: refused */
// expect-error: lib.c:6:21 cannot infer how to copy parameter 'pp' of 'lib_deref' (int **)
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int x = 3, *p = &x;
    printf("%d\n", lib_deref(&p));
    return 0;
}
