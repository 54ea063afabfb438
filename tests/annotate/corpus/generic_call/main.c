/* _Generic choosing which cross-module function a call goes to.  EXPECT: same */
#include <stdio.h>
#include "shapes.h"

#define area(x) _Generic((x), struct square: square_area, struct circle: circle_area)(x)

int main(void)
{
    struct square s = {3};
    struct circle c = {2};
    printf("%ld %ld\n", area(s), area(c));
    return 0;
}
