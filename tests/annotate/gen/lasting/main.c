#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shelf.h"

int main(void)
{
    struct shelf *a = shelf_open(7), *b = shelf_child(a, 5);
    int n = shelf_count(), v;
    struct shelf *t = shelf_temp(9);

    printf("before: %d %d %d (same: %d, count %d)\n", shelf_get(a), shelf_get(b), shelf_get(t),
           shelf_self(a) == a, n);
    shelf_crash();            /* split: the FMP dies, and comes back */
    printf("after: %d %d (same: %d)\n", shelf_get(a), shelf_get(b), shelf_self(b) == b);
    errno = 0;
    v = shelf_get(t);         /* split: its object died with it */
    printf("temp: %d (%s)\n", v, v < 0 ? strerror(errno) : "ok");
    printf("new: %d\n", shelf_get(shelf_open(3)));
    return 0;
}
