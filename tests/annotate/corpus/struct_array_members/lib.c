#include <fracture.h>
#include <string.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_weigh(struct rec r)
{
    return (int)strlen(r.name) * 100 + r.v[0] + r.v[1] + r.v[2];
}

int lib_name_len(const struct rec *r)
{
    return (int)strlen(r->name);
}
