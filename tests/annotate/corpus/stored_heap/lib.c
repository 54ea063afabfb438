#include <fracture.h>
#include <stdlib.h>
#include "lib.h"

FRACTURE_MODULE(lib, 0);

struct node {
    const struct item *it;
    struct node *next;
};
static struct node *head;

void lib_push(const struct item *it)
{
    struct node *n = malloc(sizeof *n);
    if (!n)
        return;
    n->it = it;
    n->next = head;
    head = n;
}

int lib_sum(void)
{
    int s = 0;
    for (struct node *n = head; n; n = n->next)
        s += n->it->v;
    return s;
}
