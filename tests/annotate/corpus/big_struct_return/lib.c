#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

struct page lib_make(int seed)
{
    struct page p;
    for (int i = 0; i < 4096; i++)
        p.bytes[i] = (unsigned char)(i * seed + 1);
    return p;
}

unsigned long lib_check(struct page p)
{
    unsigned long h = 5381;
    for (int i = 0; i < 4096; i++)
        h = h * 33 + p.bytes[i];
    return h;
}
