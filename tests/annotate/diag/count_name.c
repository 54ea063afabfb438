/* FR_COUNT names sibling fields, FR_IN / FR_RET name parameters. */
#include <fracture.h>
#include <stddef.h>

FRACTURE_MODULE(vec, 0);

#define MAX_ITEMS 16
enum { SLOTS = 4 };

struct vec {
    size_t len;
    FR_COUNT(lenght) int *items;
    FR_COUNT(len * 2) int *pairs;
    FR_COUNT(MAX_ITEMS) int *fixed;
};

int vec_put(FR_IN(size) const void *p, size_t n) { (void)p; return (int)n; }
int vec_ok(FR_IN(n * sizeof(int) + SLOTS) const void *p, size_t n) { (void)p; return (int)n; }
FR_RET(count) int *vec_ints(size_t n) { (void)n; return NULL; }
int vec_sum(const struct vec *v) { return (int)v->len; }

FR_MODULE(main, 0) int main(void)
{
    struct vec v = {0};
    return vec_put("x", 1) + vec_ok("x", 1) + (vec_ints(1) != NULL) + vec_sum(&v);
}
