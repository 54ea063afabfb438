#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "jar.h"

int main(void)
{
    struct jar *a = jar_open(7), *b;
    int v;

    printf("before: %d\n", jar_get(a));
    jar_crash();              /* split: the FMP dies, and comes back */
    errno = 0;
    v = jar_get(a);           /* split: a died with it */
    printf("after: %d (%s)\n", v, v < 0 ? strerror(errno) : "ok");
    b = jar_open(9);          /* the new incarnation's own handles work */
    printf("new: %d\n", jar_get(b));
    return 0;
}
