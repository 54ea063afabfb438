/* clean.c - module clean: samplable and without a bug. */
#include <fracture.h>

#include "crowdbug.h"

FRACTURE_MODULE(clean, FR_RESTARTABLE | FR_SAMPLABLE);

int clean_sum(int n)
{
    int s = 0;

    for (int i = 1; i <= n; i++)
        s += i;
    return s;
}
