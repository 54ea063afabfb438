#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "acc.h"

static void show(const char *what, int r)
{
    printf("%s %d %s\n", what, r, r == -2 ? strerror(errno) : "ok");
}

int main(void)
{
    struct big b[1] = {{{0}}};
    int p = 5, q = 2, r;

    errno = 0;
    /* (SIZE_MAX / 40 + 2) * 40 wraps to 40 bytes: one struct's worth */
    show("fill", acc_fill(b, SIZE_MAX / sizeof b[0] + 2));
    show("fill", acc_fill(b, 1));
    r = acc_add(&p, &q);
    printf("add %d %d %d\n", r, p, q);
    errno = 0;
    r = acc_add(&p, &p);
    show("alias", r);
    printf("alias %d\n", p);
    fflush(stdout);
    /* the plain build ends here too, with the split build's status */
    acc_add_or_die(&q, &q);
    return 70;
}
