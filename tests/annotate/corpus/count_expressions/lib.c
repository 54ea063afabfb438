#include <fracture.h>
#include <string.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

void lib_pairs(FR_OUT(n * 2) short *out, int n)
{
    for (int i = 0; i < n * 2; i++)
        out[i] = (short)(i * 11);
}

int lib_hdr_sum(FR_IN(sizeof(struct hdr)) const void *raw)
{
    struct hdr h;
    memcpy(&h, raw, sizeof h);
    return h.a + h.b;
}
