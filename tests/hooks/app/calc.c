/* calc.c - module calc of the hook tests' program. */
#include <time.h>
#include "hookapp.h"
FRACTURE_MODULE(calc, FR_RESTARTABLE);

int calc_add(int a, int b)
{
    return a + b;
}

int calc_len(const char *s)
{
    int n = 0;
    while (s[n])
        n++;
    return n;
}

int calc_keep(const int *v, int n)
{
    return store_put(v, n);
}

int calc_each(int (*visit)(int i), int n)
{
    int t = 0;
    for (int i = 0; i < n; i++)
        t += visit(i);
    return t;
}

int calc_slow(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
    return ms;
}
