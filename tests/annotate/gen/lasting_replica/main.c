#include <stdio.h>
#include <time.h>

#include "ctr.h"

int main(void)
{
    struct ctr *a = ctr_open(7), *t = ctr_temp(9);
    int sum = 0;

    printf("before: %d %d\n", ctr_get(a), ctr_get(t));
    ctr_crash();              /* split: replica 1 dies, and comes back */
    /* long enough for it to be back, and asked */
    for (int i = 0; i < 40; i++) {
        struct timespec ts = { 0, 25 * 1000 * 1000 };
        sum += ctr_get(a) + ctr_get(t);
        nanosleep(&ts, NULL);
    }
    printf("after: %d %d (%d)\n", ctr_get(a), ctr_get(t), sum);
    return 0;
}
