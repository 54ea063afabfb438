/* FR_IN(argc) const char *const *argv: an array of strings, each deep-copied.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    const char *const names[] = {"alpha", "be", "", "gamma"};
    printf("%d\n", lib_chars(4, names));
    return 0;
}
