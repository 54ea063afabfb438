/* uint8_t *dest: bytes are bytes, an error like char *.  EXPECT: refused */
// expect-error: lib.c:6:24 parameter 'dest' of 'lib_zero'
#include <stdio.h>
#include "lib.h"

int main(void)
{
    uint8_t b[3];
    lib_zero(b, 3);
    printf("%d\n", b[2]);
    return 0;
}
