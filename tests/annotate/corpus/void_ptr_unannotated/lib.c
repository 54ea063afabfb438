#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_put(const void *val, size_t len)
{
    return len ? *(const unsigned char *)val : 0;
}
