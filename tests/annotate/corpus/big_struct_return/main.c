/* A 4 KiB struct returned and passed by value.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    struct page p = lib_make(7);
    printf("%u %u %lu\n", (unsigned)p.bytes[0], (unsigned)p.bytes[4095], lib_check(p));
    return 0;
}
