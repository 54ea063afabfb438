/* Handles of a replicated module under address space randomization: each
 * replica's objects are at addresses of its own, yet the group answers
 * alike (handle.h: a replica's handles are numbers).  The same object
 * handed out twice, handed back, passed out in a callback, freed and its
 * memory taken by a new one; a replica that dies and comes back abstains
 * on what its group made before and votes on what is made after. */
#include <stdlib.h>
#include <fracture.h>
#include "box.h"

FRACTURE_MODULE(box, FR_REPLICABLE | FR_RESTARTABLE);

struct box {
    int v;
};

struct box *box_new(int v)
{
    struct box *b = malloc(sizeof *b);

    if (b)
        b->v = v;
    return b;
}

struct box *box_same(struct box *b)
{
    return b;
}

int box_get(struct box *b)
{
    return b ? b->v : -1;
}

int box_visit(struct box *b, int (*f)(struct box *b, int v))
{
    return f(b, b->v) + 1;
}

void box_free(struct box *b)
{
    free(b);
}

void box_crash(void)
{
    const char *c = getenv("BOX_CRASH");

    if (c && *c == '1')
        abort();
}
