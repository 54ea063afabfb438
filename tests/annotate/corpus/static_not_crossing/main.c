/* Static functions never cross: a static helper taking void * is no error.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

static int local_peek(const void *p)
{
    return *(const unsigned char *)p;
}

int main(void)
{
    int x = 65;
    printf("%d %d\n", local_peek(&x), lib_checksum(12345));
    return 0;
}
