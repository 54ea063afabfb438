/* The keeper of the stale_third case: it keeps the coin it was given and
 * hands it on, never looking inside. */
#include <errno.h>

#include "keeper.h"
#include "mint.h"

FRACTURE_MODULE(keeper, 0);

static struct coin *held;

void keeper_hold(const struct purse *p)
{
    held = p->coin;
}

int keeper_use(void)
{
    int v;

    errno = 0;
    v = mint_value(held);
    return v < 0 ? -errno : v;
}

struct coin *keeper_give(void)
{
    return held;
}
