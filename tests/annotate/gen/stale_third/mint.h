#ifndef MINT_H
#define MINT_H
#include <fracture.h>
struct coin;
struct coin *mint_make(int v);
FR_ON_FAILURE(-1, EIO) int mint_value(struct coin *c);
/* The value of the coin the keeper holds, asked of the keeper from here
 * (the coin comes back to its mint in a reply): the value, or minus the
 * errno of the failure. */
int mint_ask_keeper(void);
void mint_crash(void);
#endif
