/* A struct nested in a struct, the inner one with an FR_COUNT field.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    int items[4] = {5, 6, 7, 8};
    struct outer o = {{4, items}, 100};
    printf("%ld\n", lib_total(&o));
    return 0;
}
