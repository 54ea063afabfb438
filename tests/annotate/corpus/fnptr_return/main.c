/* a function pointer returned across modules.  EXPECT: refused */
// expect-error: lib.c:16:7 cannot infer how to copy the pointer returned by 'lib_pick' (op_fn)
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d\n", lib_pick(1)(5));
    return 0;
}
