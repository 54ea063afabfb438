#include <fracture.h>
typedef int (*visit_fn)(void *ctx, int v);
int lib_each(FR_CALLBACK visit_fn f, FR_OPAQUE void *ctx, int n);
