#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_span_sum(const struct span *s)
{
    int t = 0;
    for (int i = 0; i < s->n; i++)
        t += s->p[i];
    return t;
}
