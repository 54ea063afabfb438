#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "keeper.h"
#include "mint.h"

/* @v, or the failure its minus says */
static void said(const char *what, int v, int err)
{
    printf("%s: %d (%s)\n", what, v, v < 0 ? strerror(err) : "ok");
}

int main(void)
{
    struct purse p = { mint_make(5), 1 };
    int v;

    keeper_hold(&p);          /* the program to the keeper, inside a struct */
    v = keeper_use();         /* the keeper to the mint */
    said("keeper reads", v, -v);
    v = mint_ask_keeper();    /* back to the mint in the keeper's reply */
    said("mint asks keeper", v, -v);
    mint_crash();             /* split: the mint dies, and comes back */
    v = keeper_use();         /* split: refused, never reaching the new mint */
    said("keeper reads", v, -v);
    v = mint_ask_keeper();    /* split: the new mint refuses its predecessor's coin */
    said("mint asks keeper", v, -v);
    p.coin = mint_make(6);
    keeper_hold(&p);
    v = keeper_use();
    said("new coin: keeper reads", v, -v);
    return 0;
}
