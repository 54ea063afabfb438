/* errno across a module call: a function that fails with errno (as libc's
 * do), one that leaves it alone, one that reads the caller's, and one whose
 * callbacks set it; the program reads errno after each, as C programs do,
 * and must see what the plain build sees in every deployment. */
#include <errno.h>
#include <stdlib.h>
#include <fracture.h>
#include "num.h"

FRACTURE_MODULE(num, FR_RESTARTABLE);

int num_parse(const char *s, long *out)
{
    char *end;

    errno = 0;
    *out = strtol(s, &end, 10);
    if (errno)
        return -1;            /* ERANGE, from strtol */
    if (end == s || *end) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int num_quiet(int x)
{
    return x + 1;
}

int num_seen(void)
{
    int e = errno;

    errno = ENOTDIR;          /* what the caller sees after */
    return e;
}

int num_each(int (*f)(int i), int n)
{
    int sum = 0;

    for (int i = 0; i < n; i++) {
        sum += f(i);
        if (errno != 100 + i)  /* the callback's errno came back with it */
            return -1;
    }
    errno = EXDEV + n;        /* unusual, so that nothing else sets it */
    return sum;
}
