#include <fracture.h>
#include <string.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

int lib_vowels(const char s[])
{
    int n = 0;
    for (size_t i = 0; s[i]; i++)
        n += strchr("aeiou", s[i]) != NULL;
    return n;
}
