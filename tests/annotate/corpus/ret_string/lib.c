#include <fracture.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

FR_RET_STRING const char *lib_name(int i)
{
    static const char *const names[] = {"zero", "one", "two"};
    return i >= 0 && i < 3 ? names[i] : "many";
}
