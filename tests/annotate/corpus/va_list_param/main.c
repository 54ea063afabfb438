/* a va_list parameter: refused at the parameter (a real location, not <unknown>).  EXPECT: refused */
// expect-error: lib.c:6:29 va_list
#include <stdarg.h>
#include <stdio.h>
#include "lib.h"

static int sum(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    int s = lib_vsum(n, ap);
    va_end(ap);
    return s;
}

int main(void)
{
    printf("%d\n", sum(3, 1, 2, 3));
    return 0;
}
