/* Untouched library source (see stats.h). */
#include "stats.h"

#include <stdio.h>

int stats_sum(const int *v, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += v[i];
    return s;
}

double stats_mean(const int *v, int n)
{
    return n > 0 ? (double)stats_sum(v, n) / n : 0.0;
}

int stats_name(char *buf, int cap, int id)
{
    return snprintf(buf, (size_t)cap, "series-%d", id);
}

const char *stats_version(void)
{
    return "stats 1.2";
}

int stats_each(int (*visit)(int i, int v, void *ctx), void *ctx, const int *v, int n)
{
    int r = 0;
    for (int i = 0; i < n && r == 0; i++)
        r = visit(i, v[i], ctx);
    return r;
}
