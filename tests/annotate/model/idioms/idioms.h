/* idioms.h - real C: static inline helpers, ops tables, unions, bit-fields. */
#ifndef IDIOMS_H
#define IDIOMS_H
#include <fracture.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CHECK(call) do { if ((call) < 0) return -1; } while (0)

struct flags {
    unsigned ro : 1;
    unsigned hidden : 1;
    unsigned kind : 6;
};

union value {
    int64_t i;
    double d;
    char small[8];
};

struct cell {
    struct flags f;
    union value v;
};

struct ops {
    const char *name;
    FR_CALLBACK int (*open)(int);
};

static inline int clamp(int x, int lo, int hi) { return x < lo ? lo : x > hi ? hi : x; }
static inline size_t cell_size(void) { return sizeof(struct cell); }

int cells_set(FR_IN(n) const struct cell *c, size_t n);
int cells_get(struct cell *c);
int cells_flags(struct flags f);
double cells_value(union value v);
int cells_register(FR_OPAQUE const struct ops *o);

extern const int cells_max;
extern const char *const cells_names[];
#endif
