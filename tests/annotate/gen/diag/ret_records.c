/* What comes back whole -- an FR_OUT buffer, FR_RET(n) structs, a struct
 * returned by value -- comes back as its bytes and its handles: a struct
 * that holds a handle beside pointers to copy (FR_COUNT, FR_STRING), at
 * any depth, is refused there; one that holds only handles is fine. */
#include <fracture.h>
#include <stddef.h>

struct obj;

struct mixed {
    FR_OPAQUE struct obj *o;
    size_t n;
    FR_COUNT(n) int *v;
};
struct named {
    FR_OPAQUE struct obj *o;
    FR_STRING const char *name;
};
struct outer {
    int k;
    struct named in;
};
struct handles {
    FR_OPAQUE struct obj *o[2];
};

FR_MODULE(lib, 0) void lib_fill(FR_OUT(1) struct mixed *m) { m->n = 0; }
FR_MODULE(lib, 0) void lib_fill_deep(FR_OUT(n) struct outer *o, size_t n) { (void)o; (void)n; }
FR_MODULE(lib, 0) FR_RET(n) struct named *lib_names(size_t n) { (void)n; return NULL; }
FR_MODULE(lib, 0) struct mixed lib_mixed(void) { struct mixed m = {0}; return m; }
FR_MODULE(lib, 0) struct outer lib_outer(void) { struct outer o = {0}; return o; }
/* only handles: no error */
FR_MODULE(lib, 0) struct handles lib_handles(void) { struct handles h = {{0}}; return h; }
FR_MODULE(lib, 0) void lib_fill_handles(FR_OUT(1) struct handles *h) { h->o[0] = NULL; }

int main(void)
{
    struct mixed m;
    struct outer o;
    struct handles h;

    lib_fill(&m);
    lib_fill_deep(&o, 1);
    lib_fill_handles(&h);
    return (int)lib_mixed().n + lib_outer().k + (lib_names(1) != NULL) +
           (lib_handles().o[0] != NULL);
}
