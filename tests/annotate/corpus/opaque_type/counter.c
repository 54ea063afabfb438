#include <fracture.h>
#include <stdlib.h>
#include "counter.h"

FRACTURE_MODULE(counter, 0);

struct counter {
    int value;
};

struct counter *counter_new(int start)
{
    struct counter *c = malloc(sizeof *c);
    if (c)
        c->value = start;
    return c;
}

void counter_add(struct counter *c, int n)
{
    c->value += n;
}

int counter_get(const struct counter *c)
{
    return c->value;
}

void counter_free(struct counter *c)
{
    free(c);
}
