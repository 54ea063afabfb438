#include <stdlib.h>
#include "tok.h"
FRACTURE_MODULE(tok, FR_RESTARTABLE);
struct tok { int v; };
int tok_make(int n, struct tok **out)
{
    for (int i = 0; i < n; i++) {
        out[i] = malloc(sizeof *out[i]);
        out[i]->v = i * 3;
    }
    return n;
}
int tok_sum(int n, struct tok *const *in)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += in[i]->v;
    return s;
}
void tok_free(int n, struct tok *const *in)
{
    for (int i = 0; i < n; i++)
        free(in[i]);
}
struct tok **tok_list(int n)
{
    struct tok **l = malloc((size_t)n * sizeof *l);

    if (l && tok_make(n, l) != n)
        return NULL;
    return l;
}
