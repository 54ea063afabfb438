/* The program using the library, untouched too: it belongs to module main. */
#include <stdio.h>

#include "stats.h"

struct acc {
    long total;
    int seen;
};

static int visit(int i, int v, void *ctx)
{
    struct acc *a = ctx;
    a->total += (long)i * v;
    a->seen++;
    return v > 90 ? i : 0;      /* stops at the first big one */
}

int main(void)
{
    int v[40];
    char name[32], pad[16];
    struct acc a = {0, 0};
    int stop;

    for (int i = 0; i < 40; i++)
        v[i] = (i * 37) % 101 - 7;
    printf("%s\n", stats_version());
    for (int round = 0; round < 8; round++) {
        int n = 5 + round * 4;
        stats_name(name, sizeof name, round);
        fmt_pad(pad, sizeof pad, name, 12);
        printf("%s sum=%d mean=%.3f\n", pad, stats_sum(v, n), stats_mean(v, n));
    }
    stop = stats_each(visit, &a, v, 40);
    printf("each=%d total=%ld seen=%d\n", stop, a.total, a.seen);
    return stats_sum(v, 3) % 7;
}
