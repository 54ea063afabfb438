#include <stdio.h>
#include <stdlib.h>
#include "tok.h"
int main(void)
{
    struct tok *t[4];
    printf("made %d\n", tok_make(4, t));
    printf("sum %d\n", tok_sum(4, t));
    tok_free(4, t);
    struct tok **l = tok_list(3);
    printf("listed sum %d\n", l ? tok_sum(3, l) : -1);
    if (l)
        tok_free(3, l);
    free(l);
    return 0;
}
