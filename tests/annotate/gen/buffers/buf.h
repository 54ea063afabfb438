#ifndef BUF_H
#define BUF_H
#include <stddef.h>
#include <fracture.h>
struct point {
    int x, y;
};
long buf_sum(FR_IN(n) const int *v, size_t n);
void buf_fill(FR_OUT(rows * cols) short *m, int rows, int cols);
void buf_twice(FR_INOUT(n * 2) int *v, size_t n);
int buf_bump(const struct point *from, struct point *to);
size_t buf_hash(FR_IN(len) const void *data, size_t len, FR_OUT(sizeof(unsigned)) void *out);
#endif
