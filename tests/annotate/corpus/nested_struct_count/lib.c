#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

long lib_total(const struct outer *o)
{
    long s = o->tag;
    for (size_t i = 0; i < o->in.n; i++)
        s += o->in.items[i];
    return s;
}
