#include <fracture.h>
#include <stddef.h>
struct inner {
    size_t n;
    FR_COUNT(n) int *items;
};
struct outer {
    struct inner in;
    int tag;
};
long lib_total(const struct outer *o);
