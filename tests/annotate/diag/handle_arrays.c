/* Arrays of handles cross element by element (returned ones too:
 * FR_RET(n)); what they cannot carry exactly is refused: returned or
 * passed arrays of void * or of pointers to scalars (no handle type), a pointer to handles with no count,
 * a count annotation beside FR_OPAQUE, and FR_COUNT on a field of
 * pointers (its elements' bytes would be copied). */
#include <fracture.h>

FRACTURE_MODULE(lib, 0);

struct obj;
FRACTURE_OPAQUE(struct obj);

struct bag {
    int n;
    FR_COUNT(n) struct obj **items;
};

struct rows {
    int n;
    FR_COUNT(n) int **items;
};

int lib_bag(const struct bag *b) { return b->n; }
int lib_rows(const struct rows *r) { return r->n; }
FR_RET(n) int **lib_all(int n) { (void)n; return 0; }
int lib_voids(FR_IN(n) void **v, int n) { return v != 0 && n; }
int lib_ints(FR_OUT(n) int **v, int n) { return v != 0 && n; }
int lib_bare(struct obj **v) { return v != 0; }
int lib_both(FR_OPAQUE FR_IN(n) struct obj **v, int n) { return v != 0 && n; }
int lib_deep(FR_IN(n) struct obj ***v, int n) { return v != 0 && n; }
int lib_ok(FR_INOUT(n) struct obj **v, int n) { return v != 0 && n; }

FR_MODULE(main, 0) int main(void)
{
    void *vv[1] = {0};
    int *iv[1];
    struct obj *o[1] = {0}, **oo[1] = {o};
    struct bag b = {0, 0};
    struct rows r = {0, 0};
    return lib_bag(&b) + lib_rows(&r) + (lib_all(1) != 0) + lib_voids(vv, 1) + lib_ints(iv, 1) + lib_bare(o) +
           lib_both(o, 1) + lib_deep(oo, 1) + lib_ok(o, 1);
}
