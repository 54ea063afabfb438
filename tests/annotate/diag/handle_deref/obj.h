/* A handle dereferenced outside the module that mints it: jansson's
 * json_decref, a static inline of its header, read through the pointer in
 * the caller's module.  A static inline the file never uses (obj_peek)
 * calls nothing: obj_raw's void * does not cross, and needs no annotation. */
#include <fracture.h>

typedef struct obj { int refcount, v; } obj_t;
FRACTURE_OPAQUE(obj_t);

obj_t *obj_new(int v);
void obj_delete(obj_t *o);
int obj_value(obj_t *o);
int obj_raw(void *p);

static inline void obj_decref(obj_t *o)
{
    if (--o->refcount == 0)
        obj_delete(o);
}
static inline int obj_peek(obj_t *o) { return o->v + obj_raw(o); }
