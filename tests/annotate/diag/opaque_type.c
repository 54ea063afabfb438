/* FRACTURE_OPAQUE(type): every pointer to the type is a handle; annotating
 * one as a copy contradicts it, and the type must be a struct or union. */
#include <fracture.h>
#include <stdlib.h>

typedef struct node { int v; struct node *next; } node;
FRACTURE_OPAQUE(node);
FRACTURE_OPAQUE(int);

FRACTURE_MODULE(doc, 0);

node *node_new(int v)
{
    node *n = calloc(1, sizeof *n);
    n->v = v;
    return n;
}
int node_value(const node *n) { return n->v; }
int node_sum(FR_IN(k) const node *n, int k) { return k > 0 ? n->v : 0; }
void node_free(node *n) { free(n); }

FR_MODULE(main, 0) int main(void)
{
    node *n = node_new(3);
    int v = node_value(n) + node_sum(n, 1);
    node_free(n);
    return v;
}
