/* Byte ranges: FR_IN / FR_OUT / FR_INOUT with size expressions, inferred
 * const T * (in one) and T * (in and out one), void * as bytes, NULL. */
#include <fracture.h>
#include <string.h>
#include "buf.h"

FRACTURE_MODULE(buf, 0);

long buf_sum(FR_IN(n) const int *v, size_t n)
{
    long s = 0;
    for (size_t i = 0; v && i < n; i++)
        s += v[i];
    return s;
}

void buf_fill(FR_OUT(rows * cols) short *m, int rows, int cols)
{
    for (int i = 0; i < rows * cols; i++)
        m[i] = (short)(i * 3);
}

void buf_twice(FR_INOUT(n * 2) int *v, size_t n)
{
    for (size_t i = 0; i < n * 2; i++)
        v[i] *= 2;
}

int buf_bump(const struct point *from, struct point *to)
{
    to->x += from->x;
    to->y += from->y;
    return to->x + to->y;
}

size_t buf_hash(FR_IN(len) const void *data, size_t len, FR_OUT(sizeof(unsigned)) void *out)
{
    unsigned h = 2166136261u;
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    memcpy(out, &h, sizeof h);
    return len;
}
