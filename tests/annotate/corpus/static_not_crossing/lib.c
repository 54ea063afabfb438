#include <fracture.h>
#include <string.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

static int sum_bytes(const void *p, size_t n)
{
    const unsigned char *b = p;
    int s = 0;
    while (n--)
        s += *b++;
    return s;
}

int lib_checksum(int v)
{
    return sum_bytes(&v, sizeof v);
}
