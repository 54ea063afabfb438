/* The lasting_replica case: a replica that restarted holds its group's
 * FR_INIT objects again (their replay) and none of the others.  ctr_crash()
 * kills the replica whose CTR_CRASH is set; the group votes with the two
 * others meanwhile, and once it is back it votes on ctr_open's object and
 * abstains, said once, on ctr_temp's, which it never made. */
#include <signal.h>
#include <stdlib.h>

#include "ctr.h"

FRACTURE_MODULE(ctr, FR_REPLICABLE | FR_RESTARTABLE);

struct ctr {
    int value;
};

static struct ctr ctrs[8];
static int nctrs;

static struct ctr *make(int value)
{
    if (nctrs >= 8)
        return NULL;
    ctrs[nctrs].value = value;
    return &ctrs[nctrs++];
}

struct ctr *ctr_open(int seed)
{
    return make(seed);
}

struct ctr *ctr_temp(int seed)
{
    return make(seed);
}

int ctr_get(struct ctr *c)
{
    return c->value;
}

void ctr_crash(void)
{
    const char *c = getenv("CTR_CRASH");

    if (c && *c == '1')
        raise(SIGKILL);
}
