/* A pointer inferred as one element must be used as one element: indexed,
 * advanced or handed on as a buffer, it is refused (DESIGN, "Nothing
 * silently wrong").  What uses one element passes. */
#include <fracture.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

FRACTURE_MODULE(lib, 0);

int lib_sum(const int *v, int n)
{
    int t = 0;
    for (int i = 0; i < n; i++)
        t += v[i];
    return t;
}
int lib_walk(const int *v, int count)
{
    int t = 0;
    while (count-- > 0)
        t += *v++;
    return t;
}
static int nth(const int *v, int k) { return v[k]; }
int lib_pass(const int *v, int len) { return nth(v, len - 1); }
int lib_copy(int *dst, const int *src, size_t size) { memcpy(dst, src, size); return 0; }
int lib_arith(const int *v) { return *(v + 2); }
int lib_knr(a, b) const int *a; int b; { return a[b]; }
int lib_through(const int *v, FR_CALLBACK int (*fn)(const void *p, int n)) { return fn(v, 3); }
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
int lib_sort(int *v, int n) { qsort(v, (size_t)n, sizeof *v, cmp); return 0; }
int lib_text(const unsigned char *s) { return (int)strlen((const char *)s); }
/* One element: all of these pass. */
int lib_clear(int *x) { memset(x, 0, sizeof *x); return x[0]; }
int lib_first(FR_IN(1) const int *v) { return v[1]; }   /* explicit: trusted */
int lib_same(const int *a, const int *b) { return a == b || *a == *b; }
int lib_save(const int *v, FR_OPAQUE FILE *f) { return (int)fwrite(v, sizeof *v, 1, f); }
static int visit(FR_IN(n) const void *p, int n) { return p != 0 && n > 0; }

FR_MODULE(main, 0) int main(void)
{
    int v[3] = {1, 2, 3}, w[3];
    return lib_sum(v, 3) + lib_walk(v, 3) + lib_pass(v, 3) + lib_copy(w, v, sizeof v) +
           lib_arith(v) + lib_clear(w) + lib_first(v) + lib_same(v, w) + lib_knr(v, 1) +
           lib_through(v, visit) + lib_sort(w, 3) + lib_text((const unsigned char *)"ab") +
           lib_save(v, stdout);
}
