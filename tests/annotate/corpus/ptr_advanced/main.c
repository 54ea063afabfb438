/* const int *p inferred as one element but advanced (p++) through a 0-terminated list.  EXPECT: refused */
// expect-error: lib.c:6:26 advances it
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int v[4] = {3, 2, 1, 0};
    printf("%d\n", lib_count(v));
    return 0;
}
