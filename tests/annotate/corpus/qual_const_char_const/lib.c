#include <fracture.h>
#include <string.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_len(const char *const s)
{
    return (int)strlen(s);
}
