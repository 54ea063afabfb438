#ifndef POOL_H
#define POOL_H
#include <stdint.h>
#include <fracture.h>
struct obj;
/* A handle inside a struct, with what it names: its slot in the pool and
 * its address, as the pool sees them. */
struct ref {
    FR_OPAQUE struct obj *o;
    int slot;
    uintptr_t addr;
};
/* Handles in an array field. */
struct pair {
    FR_OPAQUE struct obj *both[2];
};
/* Handles in an array of two dimensions: every element is one. */
struct grid {
    FR_OPAQUE struct obj *g[2][2];
};
/* A union's bytes travel as they are, whichever member they hold (a
 * handle in one is refused: tests/annotate/diag/union_handle.c). */
union num {
    double d;
    long n;
};
struct ref pool_make(int v);
void pool_fill(int v, FR_OUT(1) struct ref *out);
FR_ON_FAILURE(-1, EIO) int pool_get(const struct ref *r);
FR_ON_FAILURE(-1, EIO) int pool_bump(struct ref *r);
FR_ON_FAILURE(-1, EIO) int pool_value(struct obj *o);
/* No FR_ON_FAILURE: a failure ends the program. */
void pool_drop(struct obj *o);
FR_ON_FAILURE(-1, EIO) int pool_sum(const struct pair *p);
long pool_number(union num u);
FR_ON_FAILURE(-1, EIO) int pool_grid(const struct grid *p);

void pool_crash(void);
#endif
