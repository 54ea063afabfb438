/* A handle inside a union: the union's bytes cross as they are, whichever
 * member they hold, while a handle must go through the runtime's handle
 * calls (tagged, checked): refused where the field is. */
#include <fracture.h>

FRACTURE_MODULE(pool, FR_RESTARTABLE);

struct obj { int v; };
FRACTURE_OPAQUE(struct obj);

union num {
    long n;
    FR_OPAQUE struct obj *o;    /* error */
};
union alias {
    long n;
    struct obj *p;              /* error: a pointer to a FRACTURE_OPAQUE record */
};

/* The fields of anonymous members are the struct's own, and those of an
 * anonymous union share their bytes, at any depth. */
struct tagged {
    int kind;
    union {
        long n;
        FR_OPAQUE struct obj *h;    /* error */
    };
};
struct deep {
    union {
        struct {
            int k;
            struct obj *q;          /* error */
        };
        double d;
    };
};

long pool_number(union num u) { return u.n; }
long pool_alias(const union alias *a) { return a->n; }
long pool_tagged(const struct tagged *t) { return t->n; }
long pool_deep(struct deep d) { return d.k; }

FR_MODULE(main, 0) int main(void)
{
    union num u = { .n = 1 };
    union alias a = { .n = 2 };
    struct tagged t = { 0, { .n = 3 } };
    struct deep d = { { { 4, 0 } } };
    return (int)(pool_number(u) + pool_alias(&a) + pool_tagged(&t) + pool_deep(d));
}
