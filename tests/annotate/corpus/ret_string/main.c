/* FR_RET_STRING: a string from a static table, copied back.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    for (int i = 0; i < 4; i++)
        printf("%s\n", lib_name(i));
    return 0;
}
