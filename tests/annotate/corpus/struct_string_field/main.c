/* a struct with an FR_STRING field, by const pointer.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    struct user u = {"ada", 36};
    printf("%d\n", lib_score(&u));
    return 0;
}
