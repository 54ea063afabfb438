/* Returned handles: FR_RET(n) or FR_RET_STRING on a pointer that
 * FRACTURE_OPAQUE makes a handle contradicts it; a record returned as a
 * copy (FR_RET) that another function passes as a handle (FR_OPAQUE) is
 * refused where it is copied, naming the handle. */
#include <fracture.h>
#include <stddef.h>

struct obj { int v; };
FRACTURE_OPAQUE(struct obj);
struct node { int v; };

FR_MODULE(lib, 0) FR_RET(1) struct obj *lib_obj(void) { return NULL; }
FR_MODULE(lib, 0) FR_RET_STRING struct obj *lib_obj_text(void) { return NULL; }
FR_MODULE(lib, 0) int lib_node_value(FR_OPAQUE struct node *n) { return n->v; }
FR_MODULE(lib, 0) FR_RET(1) struct node *lib_node_copy(void) { return NULL; }

int main(void)
{
    struct node *n = lib_node_copy();
    return (lib_obj() != NULL) + (lib_obj_text() != NULL) + lib_node_value(n);
}
