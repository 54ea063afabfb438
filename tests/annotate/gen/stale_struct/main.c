#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"

static void said(const char *what, int v)
{
    printf("%s: %d (%s)\n", what, v, v < 0 ? strerror(errno) : "ok");
}

int main(void)
{
    struct ref a = pool_make(7), b, c;
    struct pair both;
    union num u = { .n = 5 };

    pool_fill(8, &b);
    printf("before: %d %d\n", pool_get(&a), pool_get(&b));
    both.both[0] = a.o;
    both.both[1] = b.o;
    printf("pair: %d, number in a union: %ld\n", pool_sum(&both), pool_number(u));
    struct grid g = { { { a.o, b.o }, { b.o, a.o } } };
    printf("grid: %d\n", pool_grid(&g));
    said("bumped", pool_bump(&b));
    pool_crash();             /* split: the FMP dies, and comes back */
    errno = 0;
    said("returned", pool_get(&a));   /* split: a died with it */
    errno = 0;
    said("filled", pool_get(&b));
    errno = 0;
    said("bumped", pool_bump(&b));
    errno = 0;
    said("passed alone", pool_value(a.o));
    errno = 0;
    said("pair", pool_sum(&both));
    errno = 0;
    said("grid", pool_grid(&g));
    c = pool_make(9);         /* split: slot 0 again, at a's address */
    printf("new: %d, slot %d, same address as the first: %s\n", pool_get(&c), c.slot,
           c.addr == a.addr ? "yes" : "no");
    errno = 0;
    said("first again", pool_get(&a));   /* split: refused, though the address is c's */
    printf("first and new handles equal: %s\n", a.o == c.o ? "yes" : "no");
    fflush(stdout);
    if (getenv("POOL_DROP_FIRST"))
        pool_drop(a.o);       /* split: the program ends, saying why */
    return 0;
}
