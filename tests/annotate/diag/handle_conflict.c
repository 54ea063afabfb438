/* A record passed as a handle in one place and copied in another: the copy
 * would hand the callee a copy of what its module minted as an address. */
#include <fracture.h>
#include <stdlib.h>

FRACTURE_MODULE(doc, 0);

struct node { int v; struct node *next; };

FR_RET_OPAQUE struct node *node_new(int v)
{
    struct node *n = calloc(1, sizeof *n);
    n->v = v;
    return n;
}
int node_value(FR_OPAQUE struct node *n) { return n->v; }
void node_free(struct node *n) { free(n); }

FR_MODULE(main, 0) int main(void)
{
    struct node *n = node_new(3);
    int v = node_value(n);
    node_free(n);
    return v;
}
