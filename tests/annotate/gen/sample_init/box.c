/* FR_INIT calls into a sampled module: one that passes an instance's
 * handle goes to, is logged for and is replayed into that instance only
 * (its siblings never held the object); one that passes handles of two
 * instances fails with EXDEV. */
#include <stdlib.h>

#include "box.h"

FRACTURE_MODULE(box, FR_SAMPLABLE | FR_RESTARTABLE);

struct box {
    int v, seals;
};

/* No heap: nothing for a leak checker to find when the program ends. */
static struct box pool[32];
static int npool;

static struct box *make(int v)
{
    struct box *b = npool < 32 ? &pool[npool++] : NULL;

    if (b) {
        b->v = v;
        b->seals = 0;
    }
    return b;
}

struct box *box_open(int v)
{
    return make(v);
}

void box_seal(struct box *b, int add)
{
    b->v += add;
    b->seals++;
}

void box_join(struct box *a, struct box *b)
{
    a->v += b->v;
}

struct box *box_new(int v)
{
    return make(v);
}

int box_get(struct box *b)
{
    return b->v * 100 + b->seals;
}

int box_crash(void)
{
    const char *c = getenv("BOX_CRASH");

    if (c && *c)
        abort();
    return 0;
}
