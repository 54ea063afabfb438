#include <stdlib.h>
#include "obj.h"

FRACTURE_MODULE(objs, 0);

obj_t *obj_new(int v)
{
    obj_t *o = calloc(1, sizeof *o);
    o->refcount = 1;
    o->v = v;
    return o;
}
void obj_delete(obj_t *o) { free(o); }
int obj_value(obj_t *o) { return o->v; }
int obj_raw(void *p) { return p != NULL; }
