/* unsigned char *dest: bytes are bytes, an error like char * (never FR_INOUT(1)).  EXPECT: refused */
// expect-error: lib.c:6:30 parameter 'dest' of 'lib_fill' (unsigned char *)
#include <stdio.h>
#include "lib.h"

int main(void)
{
    unsigned char b[4] = {0};
    lib_fill(b, 4);
    printf("%u %u\n", b[0], b[3]);
    return 0;
}
