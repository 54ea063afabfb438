/* a struct passed by pointer whose pointer field has no copy rule.  EXPECT: refused */
// expect-error: lib.h:2:10 field 'p' of 'struct span' is a pointer with no copy rule
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int v[2] = {4, 5};
    struct span s = {v, 2};
    printf("%d\n", lib_span_sum(&s));
    return 0;
}
