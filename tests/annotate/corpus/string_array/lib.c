#include <fracture.h>
#include <string.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_chars(int argc, FR_IN(argc) const char *const *argv)
{
    int n = 0;
    for (int i = 0; i < argc; i++)
        n = n * 10 + (int)strlen(argv[i]);
    return n;
}
