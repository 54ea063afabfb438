/* Calls the caller refuses to send, because no copy could be exact: a
 * count whose size overflows (k * sizeof *b wraps to a small buffer), and
 * a string buffer (FR_STRING with FR_INOUT) that overlaps another buffer
 * of the call (buffers that overlap otherwise travel as one region; a
 * string buffer is copied apart).  With FR_ON_FAILURE the call returns its
 * value with errno EINVAL (the caller's own error); without, the program
 * ends naming the function and the parameters. */
#include <fracture.h>
#include <string.h>
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

int acc_cat(FR_STRING FR_INOUT(cap) char *s, size_t cap, FR_IN(n) const char *more, size_t n)
{
    size_t len = strlen(s);

    if (len + n + 1 > cap)
        return -1;
    for (size_t i = 0; i < n; i++)
        s[len + i] = more[i];
    s[len + n] = '\0';
    return (int)(len + n);
}

int acc_cat_or_die(FR_STRING FR_INOUT(cap) char *s, size_t cap, FR_IN(n) const char *more,
                   size_t n)
{
    return acc_cat(s, cap, more, n);
}
