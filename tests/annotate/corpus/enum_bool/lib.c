#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

bool lib_warm(enum color c, bool flip)
{
    return (c == RED) != flip;
}

enum color lib_next(enum color c)
{
    return c == RED ? GREEN : c == GREEN ? BLUE : RED;
}
