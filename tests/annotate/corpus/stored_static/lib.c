#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

static const char *last;

void lib_remember(const char *s)
{
    last = s;
}

int lib_last_initial(void)
{
    return last ? last[0] : 0;
}
