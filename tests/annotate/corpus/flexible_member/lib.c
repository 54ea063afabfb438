#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_blob_sum(const struct blob *b)
{
    int s = 0;
    for (int i = 0; i < b->n; i++)
        s += b->data[i];
    return s;
}
