/* box.c - module box: the crowd's module in the routing test. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "route.h"

FRACTURE_MODULE(box, FR_RESTARTABLE | FR_SAMPLABLE);

struct box {
    int v;
};

static int base = -1000;

int box_init(int b)
{
    base = b;
    return (int)getpid();
}

struct box *box_new(int v, int *pid)
{
    struct box *x = malloc(sizeof *x);

    if (x)
        x->v = v;
    *pid = (int)getpid();
    return x;
}

int box_adopt(struct box *b, int v)
{
    b->v = v;
    return (int)getpid();
}

void box_free(struct box *b)
{
    free(b);
}

int box_get(struct box *b)
{
    return b->v + base;
}

int box_where(struct box *b)
{
    (void)b;
    return (int)getpid();
}

int box_copy(struct box *b)
{
    const char *v = getenv("ROUTE_COPY");

    (void)b;
    return v ? atoi(v) : 0;
}

int box_crash_once(const char *marker)
{
    int fd;

    if (getenv("ROUTE_CRASH") && (fd = open(marker, O_WRONLY | O_CREAT | O_EXCL, 0600)) >= 0) {
        close(fd);
        abort();
    }
    return (int)getpid();
}

int box_same(struct box *a, struct box *b)
{
    return a->v == b->v;
}

int box_pid(void)
{
    return (int)getpid();
}

int box_visit(int (*cb)(void))
{
    return cb() == (int)getpid();
}
