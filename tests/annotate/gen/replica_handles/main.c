#include <stdio.h>
#include <time.h>
#include "box.h"

static struct box *seen;

static int on_box(struct box *b, int v)
{
    seen = b;
    return v * 10;
}

int main(void)
{
    struct box *a = box_new(3), *b = box_new(4);

    printf("get %d %d, distinct %d, same %d\n", box_get(a), box_get(b), a != b,
           box_same(a) == a);
    int v = box_visit(b, on_box);
    printf("visit %d, the callback saw it %d\n", v, seen == b);
    box_free(a);
    struct box *c = box_new(5);   /* may take a's memory */
    printf("after free: %d %d, %d\n", box_get(c), box_get(b), c != b);
    box_crash();              /* split: replica 1 dies here, and comes back */
    /* Boxes made after it is back are its too: it votes on them.  None is
     * freed meanwhile: a member that missed a free would not take the
     * freed memory as the others do (the freed object's number with it),
     * and be outvoted (README, replicas' handles). */
    struct box *t[30];
    int sum = 0;
    for (int i = 0; i < 30; i++) {
        struct timespec ts = { 0, 20 * 1000 * 1000 };
        t[i] = box_new(i);
        sum += box_get(t[i]) + box_get(b);
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < 30; i++)
        box_free(t[i]);
    printf("after the crash: %d %d\n", sum, box_get(c));
    box_free(b);
    box_free(c);
    return 0;
}
