/*
 * route.h - the crowd routing test program (tests/crowd/route.sh): module
 * box, the crowd's module (samplable), called from main in the root and
 * from module relay in a child FMP.
 */
#ifndef ROUTE_H
#define ROUTE_H

#include <fracture.h>

struct box;

FR_INIT int box_init(int base);       /* the copy's state: base; its pid */
struct box *box_new(int v, FR_OUT(1) int *pid);   /* made by the copy *pid */
int box_get(struct box *b);           /* v + base */
int box_where(struct box *b);         /* the pid of the copy that serves */
FR_ON_FAILURE(-1, EIO) int box_same(struct box *a, struct box *b);  /* a->v == b->v */
int box_pid(void);                    /* the pid of the copy that serves */
void box_free(struct box *b);         /* by the copy that made it */
FR_INIT int box_adopt(struct box *b, int v);  /* b->v = v; the pid of the copy that serves */
int box_visit(FR_CALLBACK int (*cb)(void));  /* 1 when cb()'s box_pid() is this copy */

int relay_init(int base);            /* box_init(base), from relay's FMP */
int relay_pid(void);                  /* box_pid(), from module relay's FMP */
int main_cb(void);                    /* module main: box_pid() */

#endif
