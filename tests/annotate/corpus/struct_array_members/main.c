/* a struct holding arrays, by value and by const pointer.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    struct rec r = {"widget", {1, 2, 3}};
    printf("%d %d\n", lib_weigh(r), lib_name_len(&r));
    return 0;
}
