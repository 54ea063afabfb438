/* counts as expressions: FR_OUT(n * 2), FR_IN(sizeof(struct hdr)) on a const void *.  EXPECT: same */
#include <stdio.h>
#include "lib.h"

int main(void)
{
    short out[6];
    struct hdr h = {7, 9};
    lib_pairs(out, 3);
    printf("%d %d %d\n", out[0], out[5], lib_hdr_sum(&h));
    return 0;
}
