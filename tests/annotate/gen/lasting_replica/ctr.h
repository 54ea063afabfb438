#ifndef CTR_H
#define CTR_H
#include <fracture.h>
struct ctr;
FR_INIT struct ctr *ctr_open(int seed);   /* replayed into a restarted replica */
struct ctr *ctr_temp(int seed);           /* not: a restarted replica lacks it */
FR_ON_FAILURE(-1, EIO) int ctr_get(struct ctr *c);
void ctr_crash(void);
#endif
