/* const void * with no size: the annotator cannot infer it.  EXPECT: refused */
// expect-error: lib.c:6:25 cannot infer how to copy parameter 'val' of 'lib_put' (const void *)
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int v = 7;
    printf("%d\n", lib_put(&v, sizeof v));
    return 0;
}
