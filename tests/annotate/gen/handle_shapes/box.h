#ifndef BOX_H
#define BOX_H
#include <stddef.h>
#include <fracture.h>
/* Objects of module box; every other module holds them as handles. */
struct obj;

/* A handle in an anonymous member: its fields are the struct's own. */
struct tagged {
    struct {
        FR_OPAQUE struct obj *h;
        int weight;
    };
    int n;
};
/* A handle and what it names, as the box saw it. */
struct ref {
    FR_OPAQUE struct obj *o;
    int v;
};
/* An array of handles in a field. */
struct row {
    FR_OPAQUE struct obj *o[3];
};
/* A handle three records down. */
struct inner {
    FR_OPAQUE struct obj *o;
};
struct middle {
    int k;
    struct inner in[2];
};
struct outer {
    struct middle m;
    int tag;
};
/* Structs with handle fields behind an FR_COUNT field. */
struct batch {
    size_t n;
    FR_COUNT(n) struct ref *refs;
};

/* Nothing but a string: its tidy copy (replicas) holds nothing. */
struct label {
    FR_STRING const char *s;
};

typedef struct obj *(*box_pick_fn)(struct obj *a, struct obj *b);
typedef int (*box_visit_fn)(struct ref r);
typedef int (*box_batch_fn)(const struct batch *b);

FR_ON_FAILURE(-1, EIO) int box_value(struct obj *o);
FR_ON_FAILURE(-1, EIO) int box_tag(int v, int weight, FR_OUT(1) struct tagged *t);
FR_ON_FAILURE(-1, EIO) int box_tagged(const struct tagged *t);
/* Reply-path arrays: n structs with handles filled, a field of handles
 * filled, n structs with handles returned. */
FR_ON_FAILURE(-1, EIO) int box_mint(size_t n, int base, FR_OUT(n) struct ref *out);
FR_ON_FAILURE(-1, EIO) int box_row(int base, FR_OUT(1) struct row *r);
FR_ON_FAILURE(-1, EIO) int box_row_sum(const struct row *r);
FR_ON_FAILURE(NULL, EIO) FR_RET(n) FR_RET_OWNED struct ref *box_list(size_t n, int base);
struct outer box_nest(int v);
FR_ON_FAILURE(-1, EIO) int box_nest_sum(const struct outer *p);
FR_ON_FAILURE(-1, EIO) int box_nest_swap(struct outer *p);
FR_ON_FAILURE(-1, EIO) int box_batch_sum(const struct batch *b);
FR_ON_FAILURE(-1, EIO) int box_batch_turn(struct batch *b);
/* Callbacks: handles passed to them and returned from them. */
FR_ON_FAILURE(-1, EIO) int box_pick(int a, int b, FR_CALLBACK box_pick_fn pick);
FR_ON_FAILURE(-1, EIO) int box_each(FR_IN(n) const struct ref *refs, size_t n,
                                    FR_CALLBACK box_visit_fn visit);
/* The same structs passed twice: dst and src may overlap. */
FR_ON_FAILURE(-1, EIO) int box_merge(struct ref *dst, const struct ref *src);
FR_ON_FAILURE(-1, EIO) int box_shift(FR_INOUT(n) struct ref *dst, FR_IN(n) const struct ref *src,
                                     size_t n);
FR_ON_FAILURE(-1, EIO) int box_label_len(const struct label *l);
/* A struct with handles behind an FR_COUNT field, passed to a callback. */
FR_ON_FAILURE(-1, EIO) int box_visit_batch(size_t n, int base, FR_CALLBACK box_batch_fn fn);
void box_crash(void);
#endif
