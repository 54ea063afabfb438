/* Handles of a sampled module: each instance holds the cells it made, so
 * a call that passes one goes to the instance that made it, whichever the
 * weighted draw would pick; a call passing cells of two instances cannot
 * be done by either (EXDEV). */
#include "cell.h"

FRACTURE_MODULE(cell, FR_SAMPLABLE);

struct cell {
    int v;
};

/* No heap: nothing for a leak checker to find when the program ends. */
static struct cell pool[64];
static int npool;

struct cell *cell_new(int v)
{
    struct cell *c = npool < 64 ? &pool[npool++] : NULL;

    if (c)
        c->v = v;
    return c;
}

int cell_get(struct cell *c)
{
    return c->v;
}

void cell_add(struct cell *c, int d)
{
    c->v += d;
}

int cell_fill(int n, struct cell **out, int base)
{
    int made = 0;

    for (int i = 0; i < n; i++)
        made += (out[i] = cell_new(base + i)) != NULL;
    return made;
}

int cell_total(int n, struct cell *const *in)
{
    int s = 0;

    for (int i = 0; i < n; i++)
        s += in[i]->v;
    return s;
}

int cell_pair_checked(struct cell *a, struct cell *b)
{
    return a->v * 100 + b->v;
}

int cell_pair(struct cell *a, struct cell *b)
{
    return a->v * 100 + b->v;
}
