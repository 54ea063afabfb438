#ifndef SHAPES_H
#define SHAPES_H
#include <stddef.h>
#include <fracture.h>
struct pt {
    int x, y;
};
int shp_len(const char *const s);
int shp_pt(const struct pt p, struct pt *const q, const int v[2]);
int shp_rows(int rows, FR_IN(rows) const int m[][3]);
int shp_cv(const volatile int x, int *const restrict out);
int shp_apply(FR_CALLBACK int (*const fn)(int), int x);
int shp_neg_in(FR_IN(n) const int *v, int n);
int shp_neg_out(FR_OUT(n) int *v, long n);
int shp_neg_inout(FR_INOUT(n) int *v, signed char n);
int shp_join(FR_IN(n) const char *const *v, int n, FR_OUT(cap) char *out, size_t cap);
int shp_count(FR_STRING char **v, FR_OUT(cap) char *out, size_t cap);
int shp_add(int *a, int *b);
void shp_smear(FR_OUT(n) char *dst, FR_IN(n) const char *src, size_t n);
void shp_up(FR_OUT(n) char *out, size_t n, const char *s);
int shp_mix(FR_INOUT(4) int *a, FR_OUT(3) int *b);
void shp_log_open(FR_FD_KEEP int fd);
int shp_log(const char *line);
int shp_write(FR_FD int fd, const char *text);
#endif
