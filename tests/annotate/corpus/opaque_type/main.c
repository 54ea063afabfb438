/* FRACTURE_OPAQUE(struct counter): one line makes every struct counter * a handle.  EXPECT: same */
#include <stdio.h>
#include "counter.h"

int main(void)
{
    struct counter *c = counter_new(10);
    counter_add(c, 5);
    counter_add(c, 7);
    printf("%d\n", counter_get(c));
    counter_free(c);
    return 0;
}
