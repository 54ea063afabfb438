#ifndef CELL_H
#define CELL_H
#include <fracture.h>
struct cell;
FRACTURE_OPAQUE(struct cell);
struct cell *cell_new(int v);
int cell_get(struct cell *c);
void cell_add(struct cell *c, int d);
/* out[0..n): new cells, all of the instance the call went to */
int cell_fill(int n, FR_OUT(n) struct cell **out, int base);
int cell_total(int n, FR_IN(n) struct cell *const *in);
FR_ON_FAILURE(-1, EIO) int cell_pair_checked(struct cell *a, struct cell *b);
int cell_pair(struct cell *a, struct cell *b);
#endif
