/* math module */
#include "ledger.h"
FRACTURE_MODULE(math, FR_RESTARTABLE);

long math_sum(const int *v, size_t n) { long s = 0; for (size_t i = 0; i < n; i++) s += v[i]; return s; }
void math_scale(int *v, size_t n, int k) { for (size_t i = 0; i < n; i++) v[i] *= k; }
long math_fold(long (*f)(long acc, int x), const int *v, size_t n)
{
    long acc = 0;
    for (size_t i = 0; i < n; i++)
        acc = f(acc, v[i]);
    return acc;
}
