#include <fracture.h>
#include <string.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_score(const struct user *u)
{
    return (int)strlen(u->name) * 1000 + u->age;
}
