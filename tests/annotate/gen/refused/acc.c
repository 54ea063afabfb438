/* Calls the caller refuses to send, because no copy could be exact: a
 * count whose size overflows (k * sizeof *b wraps to a small buffer), and
 * FR_INOUT arguments that alias.  With FR_ON_FAILURE the call returns its
 * value with errno EINVAL (the caller's own error); without, the program
 * ends naming the function and the parameters. */
#include <fracture.h>
#include "acc.h"

FRACTURE_MODULE(acc, 0);

int acc_fill(FR_INOUT(k) struct big *b, size_t k)
{
    if (k > 8)
        return -1;
    for (size_t i = 0; i < k; i++)
        b[i].v[0] = (long)i;
    return (int)k;
}

int acc_add(int *a, int *b)
{
    *a += 1;
    *b += *a;
    return 0;
}

int acc_add_or_die(int *a, int *b)
{
    return acc_add(a, b);
}
