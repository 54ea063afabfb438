#include <errno.h>
#include <stdio.h>
#include "num.h"

static int cb(int i)
{
    errno = 100 + i;
    return i * i;
}

int main(void)
{
    const char *in[] = { "42", "x1", "99999999999999999999999", "7" };
    long v;

    for (unsigned i = 0; i < sizeof in / sizeof in[0]; i++) {
        errno = 12345;
        int rc = num_parse(in[i], &v);
        printf("parse %s: rc %d errno %d value %ld\n", in[i], rc, rc ? errno : 0, rc ? 0 : v);
    }
    errno = 0;
    printf("quiet %d errno %d\n", num_quiet(1), errno);
    errno = EDOM;
    printf("quiet %d errno %d\n", num_quiet(2), errno);
    errno = ERANGE;
    int seen = num_seen();
    printf("seen %d errno %d\n", seen, errno);
    errno = 0;
    int each = num_each(cb, 3);
    printf("each %d errno %d\n", each, errno);
    return 0;
}
