/*
 * route.h - the crowd routing test program (tests/crowd/route.sh): module
 * box, the crowd's module (samplable), called from main in the root, from
 * module relay in a child FMP and from module near, which runs beside
 * box's plain copy (in the root, or in box's FMP when `fmps:` places it).
 */
#ifndef ROUTE_H
#define ROUTE_H

#include <fracture.h>

struct box;

FR_INIT int box_init(int base);       /* the copy's state: base; its pid (the
                                       * plain copy's: the twin's reply is dropped) */
struct box *box_new(int v, FR_OUT(1) int *pid);   /* made by the copy *pid */
int box_get(struct box *b);           /* v + base */
int box_where(struct box *b);         /* the pid of the copy that serves */
int box_copy(struct box *b);          /* ROUTE_COPY of the copy that serves, as a number
                                       * (unset: 0) */
FR_ON_FAILURE(-1, EIO) int box_same(struct box *a, struct box *b);  /* a->v == b->v */
int box_pid(void);                    /* the pid of the copy that serves */
void box_free(struct box *b);         /* by the copy that made it */
FR_INIT int box_adopt(struct box *b, int v);  /* b->v = v; the pid of the copy that serves */
int box_visit(FR_CALLBACK int (*cb)(void));  /* 1 when cb()'s box_pid() is this copy */
/* In a copy whose environment sets ROUTE_CRASH, the first call ends the
 * process (and creates file @marker, so that its replay does not); the pid
 * of the copy that serves */
int box_crash_once(const char *marker);

int relay_init(int base);            /* box_init(base), from relay's FMP */
int relay_pid(void);                  /* box_pid(), from module relay's FMP */
int near_init(int base);             /* box_init(base), from near's FMP */
int near_pid(void);                   /* box_pid(), from near's FMP */
int near_objects(int n);              /* boxes made from near's FMP and served by
                                       * another copy than their maker's */
int main_cb(void);                    /* module main: box_pid() */

#endif
