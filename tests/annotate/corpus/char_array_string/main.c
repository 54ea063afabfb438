/* const char s[]: an array-of-char parameter is a string, like const char *.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    printf("%d\n", lib_vowels("annotated programs"));
    return 0;
}
