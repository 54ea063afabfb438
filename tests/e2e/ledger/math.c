/* math module */
#include "ledger.h"

static int base;   /* set by math_init (FR_INIT): replayed into a restarted FMP */

void __fr_impl_math_init(int b)
{
    base = b;
}

#include <stdlib.h>
#include <unistd.h>

long __fr_impl_math_sum(const int *v, size_t n)
{
    long s = 0;

    if (!v && n == (size_t)-1) {      /* "block" mode of the test */
        for (;;)
            pause();
    }
    if (!v && n == (size_t)-2)        /* "crash" mode: a failed assertion */
        abort();                      /* (sanitizers leave SIGABRT alone) */
    if (!v && n == (size_t)-3)        /* "recover": crashes but in a micro-Rx environment */
        return getenv("LEDGER_SAFE") ? 42 + base : (abort(), 0);
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

void __fr_impl_math_scale(int *v, size_t n, int k)
{
    for (size_t i = 0; i < n; i++)
        v[i] *= k;
}

long __fr_impl_math_fold(long (*f)(long acc, int x), const int *v, size_t n)
{
    long acc = 0;
    for (size_t i = 0; i < n; i++)
        acc = f(acc, v[i]);
    return acc;
}
