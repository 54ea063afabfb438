/* zlib's shape: an allocator reached only through a function pointer that
 * another module stores in a struct field and calls through.  The error
 * must say how the function is reached, not only name it. */
#include <fracture.h>
#include <stdlib.h>

FRACTURE_MODULE(zutil, 0);

void *zcalloc(void *opaque, unsigned items, unsigned size)
{
    (void)opaque;
    return calloc(items, size);
}
