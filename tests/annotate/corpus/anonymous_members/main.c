/* C11 anonymous struct and union members in a struct by value.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    struct shape s = {.kind = 1, .w = 3, .h = 4};
    struct shape t = lib_grow(s);
    printf("%d %d %d\n", t.kind, t.w, t.h);
    return 0;
}
