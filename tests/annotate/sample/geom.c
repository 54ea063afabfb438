/*
 * geom.c - module "geom" (restartable, replicable: every function is a pure
 * function of its arguments and of the FR_INIT rounding), and stats_mean,
 * which is its own module "stats" although it shares this file.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geom.h"

FRACTURE_MODULE(geom, FR_RESTARTABLE | FR_REPLICABLE);

/* Set once by geom_init before any thread starts; a restarted FMP gets it
 * back from the replayed FR_INIT call. */
static double scale_round = 1.0;

static double round_to(double v)
{
    return round(v * scale_round) / scale_round;
}

void geom_init(int decimals)
{
    scale_round = 1.0;
    while (decimals-- > 0)
        scale_round *= 10.0;
}

double geom_dot(struct vec a, struct vec b)
{
    return round_to(a.x * b.x + a.y * b.y);
}

struct vec geom_scale(struct vec v, double k)
{
    struct vec r = { round_to(v.x * k), round_to(v.y * k) };
    return r;
}

enum shape geom_classify(size_t npoints)
{
    return npoints == 0 ? SHAPE_NONE : npoints == 1 ? SHAPE_POINT
         : npoints == 2 ? SHAPE_SEGMENT : SHAPE_POLYGON;
}

double geom_length(const struct vec *v)
{
    return round_to(sqrt(v->x * v->x + v->y * v->y));
}

void geom_normalize(struct vec *v)
{
    double len = sqrt(v->x * v->x + v->y * v->y);
    if (len > 0) {
        v->x = round_to(v->x / len);
        v->y = round_to(v->y / len);
    }
}

double geom_perimeter(const struct vec *pts, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n && n > 1; i++) {
        struct vec d = { pts[(i + 1) % n].x - pts[i].x, pts[(i + 1) % n].y - pts[i].y };
        sum += sqrt(d.x * d.x + d.y * d.y);
    }
    return round_to(sum);
}

void geom_translate(const struct vec *in, size_t n, struct vec d, struct vec *out)
{
    for (size_t i = 0; i < n; i++) {
        out[i].x = in[i].x + d.x;
        out[i].y = in[i].y + d.y;
    }
}

static int by_x(const void *a, const void *b)
{
    const struct vec *p = a, *q = b;
    return (p->x > q->x) - (p->x < q->x);
}

/* pts points at element `first` of the caller's array: only the n - first
 * elements from there on are sorted (and copied). */
void geom_sort_x(struct vec *pts, size_t first, size_t n)
{
    if (n > first)
        qsort(pts, n - first, sizeof *pts, by_x);
}

struct vec geom_centroid(const struct vec *pts, size_t n)
{
    double xs[16], ys[16];
    struct vec c = { 0, 0 };

    if (n == 0 || n > 16)
        return c;
    for (size_t i = 0; i < n; i++) {
        xs[i] = pts[i].x;
        ys[i] = pts[i].y;
    }
    /* A call into module "stats": crosses FMPs when stats is placed apart. */
    c.x = round_to(stats_mean(xs, n));
    c.y = round_to(stats_mean(ys, n));
    return c;
}

uint32_t geom_hash(const void *raw, size_t n)
{
    const unsigned char *p = raw;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n * sizeof(struct vec); i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

FR_MODULE(stats, FR_RESTARTABLE) double stats_mean(const double *xs, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += xs[i];
    return n ? sum / (double)n : 0;
}
