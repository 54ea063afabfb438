/* const char *const s: a const-qualified string parameter, inferred FR_STRING.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d %d\n", lib_len("fracture"), lib_len(""));
    return 0;
}
