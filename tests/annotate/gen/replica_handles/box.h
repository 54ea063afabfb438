#ifndef BOX_H
#define BOX_H
#include <fracture.h>
FRACTURE_OPAQUE(struct box);
struct box *box_new(int v);
struct box *box_same(struct box *b);
int box_get(struct box *b);
int box_visit(struct box *b, FR_CALLBACK int (*f)(struct box *b, int v));
void box_free(struct box *b);
void box_crash(void);
#endif
