/* char *s with no annotation: a string or a buffer, the annotator cannot tell.  EXPECT: refused */
// expect-error: lib.c:6:22 cannot infer how to copy parameter 's' of 'lib_upper' (char *)
#include <stdio.h>
#include "lib.h"

int main(void)
{
    char s[] = "abc";
    lib_upper(s);
    printf("%s\n", s);
    return 0;
}
