#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "obj.h"

static void show(const char *what, struct obj *const *v, int n)
{
    printf("%s:", what);
    for (int i = 0; i < n; i++)
        printf(" %d", obj_get(v[i]));
    printf("\n");
}

int main(void)
{
    struct obj *a[5], *b[4];
    int v;

    memset(a, 0xa5, sizeof a);   /* FR_OUT: the callee writes every element */
    printf("made %d\n", obj_make(5, a, 10));
    show("a", a, 5);
    printf("null: %d %d, distinct %d\n", a[2] == NULL, a[0] == NULL, a[0] != a[1]);
    printf("sum %d, empty %d\n", obj_sum(5, a), obj_sum(0, NULL));
    struct obj *first = a[0];
    obj_reverse(5, a);
    show("reversed", a, 5);
    printf("index %d %d, same %d\n", obj_index(5, a, first), obj_index(5, a, NULL),
           a[4] == first);
    printf("sum %d\n", obj_sum(5, a));
    obj_crash();              /* stale.yaml: the FMP dies, and comes back */
    errno = 0;
    v = obj_sum(5, a);        /* stale.yaml: a's objects died with it */
    printf("after: %d (%s)\n", v, v < 0 ? strerror(errno) : "ok");
    printf("made %d\n", obj_make(4, b, 100));
    show("b", b, 4);
    printf("sum %d\n", obj_sum(4, b));
    struct obj **l = obj_list(4, 200);
    struct obj *const *r = obj_recent(3);
    show("list", l, 4);
    show("recent", r, 3);
    printf("list sum %d, recent sum %d, same %d\n", obj_sum(4, l), obj_sum(3, r), r[2] == l[3]);
    free(l);
    return 0;
}
