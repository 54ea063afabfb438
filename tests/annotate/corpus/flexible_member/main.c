/* a struct with a flexible array member passed by pointer (only its header would cross).  EXPECT: refused */
// expect-error: lib.c:6:37 flexible array member
#include <stdio.h>
#include <stdlib.h>
#include "lib.h"

int main(void)
{
    struct blob *b = malloc(sizeof *b + 3 * sizeof(int));
    if (!b)
        return 1;
    b->n = 3;
    b->data[0] = 1, b->data[1] = 2, b->data[2] = 3;
    printf("%d\n", lib_blob_sum(b));
    free(b);
    return 0;
}
