/* FR_INOUT(strlen(s) + 1) on s itself: a count that names its own parameter.  EXPECT: refused */
// expect-error: lib.c:6:54 names 's' itself
#include <stdio.h>
#include "lib.h"

int main(void)
{
    char s[] = "abc";
    lib_rot(s);
    printf("%s\n", s);
    return 0;
}
