#include <fracture.h>
void lib_walk(FR_CALLBACK void (*fn)(void *ctx, int v), FR_OPAQUE void *ctx,
              FR_IN(n) const int *v, int n);
