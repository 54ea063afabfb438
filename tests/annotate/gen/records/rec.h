#ifndef REC_H
#define REC_H
#include <stddef.h>
#include <fracture.h>
struct cache;
struct tag {
    FR_STRING const char *name;
    int weight;
};
struct batch {
    size_t n;
    FR_COUNT(n) int *items;
    FR_STRING char *label;
    FR_OPAQUE struct cache *cache;
    size_t ntags;
    FR_COUNT(ntags) struct tag *tags;
    int version;
};
struct labelled {
    FR_STRING const char *text;
    int mult;
};
/* A const member: what the callee changed comes back into the caller's
 * struct by its bytes (it cannot be assigned). */
struct stamped {
    const int id;
    size_t n;
    FR_COUNT(n) int *v;
};
/* An array the callee only reads (const elements: they never come back,
 * and the caller's may be read-only memory) and a pointer field that is
 * const itself (set by its bytes on both sides). */
struct weights {
    size_t n;
    FR_COUNT(n) const int *w;
    FR_COUNT(n) int *const out;
    long sum;
};
long rec_total(const struct batch *b);
void rec_scale(FR_INOUT(k) struct batch *b, size_t k, int f);
int rec_label(struct labelled l);
int rec_bump(struct stamped *s);
void rec_weigh(struct weights *s);
#endif
