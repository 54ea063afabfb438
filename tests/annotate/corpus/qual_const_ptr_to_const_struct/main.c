/* const struct vec *const v: a const pointer to a const struct, inferred FR_IN(1).  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    struct vec v = {3, 4, 12};
    printf("%ld\n", lib_dot(&v));
    return 0;
}
