#include <stdio.h>
#include "tok.h"
int main(void)
{
    struct tok *t[4];
    printf("made %d\n", tok_make(4, t));
    printf("sum %d\n", tok_sum(4, t));
    tok_free(4, t);
    return 0;
}
