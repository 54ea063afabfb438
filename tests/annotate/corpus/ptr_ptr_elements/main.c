/* FR_IN(rows) on const int *const *m: a pointer-to-pointer whose elements are not annotated.  EXPECT: refused */
// expect-error: lib.c:6:55 FR_IN on pointers to pointers
#include <stdio.h>
#include "lib.h"

int main(void)
{
    const int r0[2] = {1, 2}, r1[2] = {3, 4};
    const int *const m[2] = {r0, r1};
    printf("%d\n", lib_total(2, m));
    return 0;
}
