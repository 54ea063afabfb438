#include <fracture.h>
#include "parity.h"

FRACTURE_MODULE(odd, 0);

long odd_sum(int n)
{
    return n <= 0 ? 0 : 2 * n + even_sum(n - 1);
}
