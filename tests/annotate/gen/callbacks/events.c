/* Callbacks: a function pointer parameter whose target runs in its own
 * module's FMP, stored by the callee and called long after the call that
 * passed it; the callback's own parameters are annotated on it. */
#include <fracture.h>
#include "events.h"

FRACTURE_MODULE(events, 0);

static int (*handlers[4])(const char *name, int v);
static int nhandlers;

int events_on(FR_CALLBACK int (*h)(const char *name, int v))
{
    if (nhandlers == 4)
        return -1;
    handlers[nhandlers] = h;
    return nhandlers++;
}

int events_fire(const char *name, int v)
{
    int s = 0;
    for (int i = 0; i < nhandlers; i++)
        s += handlers[i](name, v);
    return s;
}

long events_fold(int (*f)(int acc, int x), FR_IN(n) const int *v, int n)
{
    int acc = 0;
    for (int i = 0; i < n; i++)
        acc = f(acc, v[i]);
    return acc;
}
