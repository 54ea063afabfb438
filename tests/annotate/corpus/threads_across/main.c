/* two threads calling into another module at once (a logical thread each).  EXPECT: same */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include "lib.h"

static void *run(void *arg)
{
    int n = *(int *)arg;
    long s = 0;
    for (int i = 0; i < n; i++)
        s += lib_step(i);
    return (void *)(intptr_t)s;
}

int main(void)
{
    pthread_t t[2];
    int arg[2] = {1000, 2000};
    long res[2];
    for (int i = 0; i < 2; i++)
        if (pthread_create(&t[i], NULL, run, &arg[i]) != 0)
            return 1;
    for (int i = 0; i < 2; i++) {
        void *r;
        pthread_join(t[i], &r);
        res[i] = (long)(intptr_t)r;
    }
    printf("%ld %ld\n", res[0], res[1]);
    return 0;
}
