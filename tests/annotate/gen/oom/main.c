#include <stdio.h>
#include <stdlib.h>
#include "big.h"

int main(void)
{
    static char small[16];
    size_t n = (size_t)48 << 20;
    char *buf = malloc(n);

    printf("small %zu\n", big_fill(small, sizeof small));
    fflush(stdout);
    /* 48 MiB is more than the FMP's memory limit lets it allocate; the
     * plain build ends here too, with the split build's status */
    if (buf)
        big_fill(buf, n);
    free(buf);
    return 70;
}
