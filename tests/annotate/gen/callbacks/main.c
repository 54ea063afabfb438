#include <stdio.h>
#include <string.h>
#include "events.h"

static int total;

static int on_name(const char *name, int v)
{
    total += v;
    printf("  on_name %s %d\n", name, v);
    return (int)strlen(name);
}

int on_double(const char *name, int v)
{
    printf("  on_double %s %d\n", name, v * 2);
    return v * 2;
}

static int add_sq(int acc, int x)
{
    return acc + x * x;
}

int main(void)
{
    int v[4] = {1, 2, 3, 4};

    printf("ids %d %d\n", events_on(on_name), events_on(on_double));
    printf("fire %d\n", events_fire("alpha", 5));
    printf("fire %d\n", events_fire("be", 7));
    printf("total %d fold %ld\n", total, events_fold(add_sq, v, 4));
    return 0;
}
