#include <stdio.h>
#include <stdlib.h>

#include "box.h"

int main(void)
{
    struct box *b = box_open(3), *n[8];
    int crashed = 0;

    box_seal(b, 4);
    printf("box %d\n", box_get(b));
    /* split: the drawn calls that reach the second instance crash it once;
     * its next incarnation gets box_open replayed, not box_seal */
    for (int i = 0; i < 8; i++)
        crashed += box_crash();
    printf("crashes seen %d, box %d\n", crashed, box_get(b));
    for (int i = 0; i < 8; i++)
        n[i] = box_new(i + 1);
    if (getenv("BOX_MIX")) {
        /* split: some n[i] was made by the second instance, b by the first */
        for (int i = 0; i < 8; i++)
            box_join(b, n[i]);
        printf("no mix\n");
    }
    int s = 0;
    for (int i = 0; i < 8; i++)
        s += box_get(n[i]);
    printf("boxes %d, box %d\n", s, box_get(b));
    return 0;
}
