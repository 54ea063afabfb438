/* A returned pointer needs FR_RET(n), FR_RET_STRING or FR_RET_OPAQUE;
 * const char * and pointers to incomplete types are inferred. */
#include <fracture.h>
#include <stddef.h>

FRACTURE_MODULE(mem, 0);

struct obj { int a; };
struct hidden;

char *mem_text(void) { return NULL; }
void *mem_block(size_t n) { (void)n; return NULL; }
struct obj *mem_obj(void) { return NULL; }
FR_RET(n) int *mem_ints(size_t n) { (void)n; return NULL; }
const char *mem_name(void) { return "x"; }
struct hidden *mem_hidden(void) { return NULL; }

FR_MODULE(main, 0) int main(void)
{
    return mem_text() == NULL && mem_block(1) == NULL && mem_obj() == NULL &&
           mem_ints(1) == NULL && mem_name() && mem_hidden() == NULL;
}
