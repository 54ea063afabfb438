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
    char s[16] = "ab", t[16] = "xy";

    errno = 0;
    /* (SIZE_MAX / 40 + 2) * 40 wraps to 40 bytes: one struct's worth */
    show("fill", acc_fill(b, SIZE_MAX / sizeof b[0] + 2));
    show("fill", acc_fill(b, 1));
    show("cat", acc_cat(s, sizeof s, t, 2));
    printf("cat %s\n", s);
    errno = 0;
    show("self", acc_cat(s, sizeof s, s, 2));
    printf("self %s\n", s);
    fflush(stdout);
    /* the plain build ends here too, with the split build's status */
    acc_cat_or_die(t, sizeof t, t + 1, 1);
    return 70;
}
