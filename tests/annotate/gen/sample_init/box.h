#ifndef BOX_H
#define BOX_H

#include <fracture.h>

struct box;
FRACTURE_OPAQUE(struct box);

/* Setup, in every instance of a sampled FMP: the handle is the first
 * instance's (its reply is the one decoded). */
FR_INIT struct box *box_open(int v);
/* Setup passing that instance's handle: it goes to that instance alone,
 * and is replayed into it alone. */
FR_INIT void box_seal(struct box *b, int add);
/* Setup passing handles of two instances: no one process holds both. */
FR_INIT void box_join(struct box *a, struct box *b);
struct box *box_new(int v);
int box_get(struct box *b);
/* Drawn: where BOX_CRASH is set, the instance serving it dies. */
int box_crash(void);

#endif
