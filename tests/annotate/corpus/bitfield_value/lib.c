#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

struct flags lib_next(struct flags f)
{
    f.a = (f.a + 1) & 7;
    f.b = f.b * 2 & 31;
    f.c = f.c + 1;
    f.d = !f.d;
    return f;
}
