/* Untouched library source, the second file of the same module. */
#include "stats.h"

#include <string.h>

int fmt_pad(char *dst, int cap, const char *s, int width)
{
    int len = (int)strlen(s), i = 0;

    for (; i < width - len && i < cap - 1; i++)
        dst[i] = '.';
    for (int k = 0; k < len && i < cap - 1; k++)
        dst[i++] = s[k];
    dst[i] = '\0';
    return i;
}
