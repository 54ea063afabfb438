/* The lasting case: the objects FR_INIT calls return live on.
 * shelf_crash() kills the FMP where SHELF_CRASH is set (its first
 * incarnation).  The root replays shelf_open and shelf_child into the
 * restarted FMP, whose environment (SHELF_SKIP) makes them elsewhere in
 * its memory: the program's handles name the new objects.  shelf_temp's
 * object is not made again: its handle fails with ESTALE.  shelf_count's
 * replay answers otherwise than the first call (said on stderr). */
#include <signal.h>
#include <stdlib.h>

#include "shelf.h"

FRACTURE_MODULE(shelf, FR_RESTARTABLE);

struct shelf {
    int value;
};

/* No heap: nothing for a leak checker to find when the program ends. */
static struct shelf shelves[16];
static int nshelves;

static struct shelf *make(int value)
{
    const char *skip = getenv("SHELF_SKIP");

    if (nshelves == 0 && skip)
        nshelves = atoi(skip);  /* a new incarnation lays its objects out otherwise */
    if (nshelves >= 16)
        return NULL;
    shelves[nshelves].value = value;
    return &shelves[nshelves++];
}

struct shelf *shelf_open(int seed)
{
    return make(seed);
}

struct shelf *shelf_child(struct shelf *parent, int add)
{
    return make(parent->value + add);
}

int shelf_count(void)
{
    return nshelves;
}

struct shelf *shelf_temp(int seed)
{
    return make(seed);
}

int shelf_get(struct shelf *s)
{
    return s->value;
}

struct shelf *shelf_self(struct shelf *s)
{
    return s;
}

void shelf_crash(void)
{
    const char *c = getenv("SHELF_CRASH");

    if (c && *c == '1')
        raise(SIGKILL);
}
