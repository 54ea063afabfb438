/* Recursion across modules: ping calls pong calls ping, nested both ways.  EXPECT: same */
#include <stdio.h>
#include "pp.h"

int main(void)
{
    printf("%d %d\n", ping(7), pong(4));
    return 0;
}
