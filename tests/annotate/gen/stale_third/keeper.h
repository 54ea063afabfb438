#ifndef KEEPER_H
#define KEEPER_H
#include <fracture.h>
struct coin;
/* What the program hands the keeper: a coin inside a struct. */
struct purse {
    FR_OPAQUE struct coin *coin;
    int note;
};
void keeper_hold(const struct purse *p);
/* The held coin's value, asked of the mint from the keeper's FMP: the
 * value, or minus the errno of the failure. */
int keeper_use(void);
FR_ON_FAILURE(NULL, EIO) struct coin *keeper_give(void);
#endif
