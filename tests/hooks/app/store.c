/* store.c - module store of the hook tests' program. */
#include "hookapp.h"
FRACTURE_MODULE(store, FR_RESTARTABLE);

static int sum;

int store_put(const int *v, int n)
{
    for (int i = 0; i < n; i++)
        sum += v[i];
    return sum;
}

int store_sum(void)
{
    return sum;
}
