/* The stale_third case: a handle that went through a third FMP.  The mint
 * makes coins; the program gives one to the keeper (another FMP), which
 * keeps it and later hands it back to the mint, as an argument and as a
 * reply.  mint_crash() kills the mint's FMP where MINT_CRASH is set (its
 * first incarnation); its next incarnation never sees a coin of its
 * predecessor: it would abort on one. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>

#include "keeper.h"
#include "mint.h"

FRACTURE_MODULE(mint, FR_RESTARTABLE);

struct coin {
    int v;
};

static struct coin *made[8];
static int nmade;

/* This process made c, or the program ends here. */
static struct coin *mine(struct coin *c)
{
    for (int i = 0; i < nmade; i++)
        if (made[i] == c)
            return c;
    abort();
}

struct coin *mint_make(int v)
{
    struct coin *c = nmade < 8 ? malloc(sizeof *c) : NULL;

    if (c) {
        c->v = v;
        made[nmade++] = c;
    }
    return c;
}

int mint_value(struct coin *c)
{
    return mine(c)->v;
}

int mint_ask_keeper(void)
{
    struct coin *c = keeper_give();

    return c ? mine(c)->v : -errno;
}

void mint_crash(void)
{
    const char *c = getenv("MINT_CRASH");

    if (c && *c == '1')
        raise(SIGKILL);
}
