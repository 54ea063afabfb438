/*
 * geom.h - the geometry module of the sample app, and the one-function
 * module "stats" that lives in geom.c: scalars, enums, structs by value,
 * and arrays copied in, out and both ways with sizes over other parameters.
 */
#ifndef SAMPLE_GEOM_H
#define SAMPLE_GEOM_H

#include <fracture.h>
#include <stddef.h>
#include <stdint.h>

struct vec {
    double x, y;
};

enum shape { SHAPE_NONE, SHAPE_POINT, SHAPE_SEGMENT, SHAPE_POLYGON };

/* Replayed into a restarted geom FMP, so that its rounding survives. */
FR_INIT void geom_init(int decimals);

double geom_dot(struct vec a, struct vec b);
struct vec geom_scale(struct vec v, double k);
enum shape geom_classify(size_t npoints);
double geom_length(const struct vec *v);
void geom_normalize(struct vec *v);
double geom_perimeter(FR_IN(n) const struct vec *pts, size_t n);
void geom_translate(FR_IN(n) const struct vec *in, size_t n, struct vec d,
                    FR_OUT(n) struct vec *out);
void geom_sort_x(FR_INOUT(n - first) struct vec *pts, size_t first, size_t n);
struct vec geom_centroid(FR_IN(n) const struct vec *pts, size_t n);
uint32_t geom_hash(FR_IN(n * sizeof(struct vec)) const void *raw, size_t n);

/* Module "stats" (FR_MODULE on its definition in geom.c). */
double stats_mean(FR_IN(n) const double *xs, size_t n);

#endif
