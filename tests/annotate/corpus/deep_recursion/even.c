#include <fracture.h>
#include "parity.h"

FRACTURE_MODULE(even, 0);

long even_sum(int n)
{
    return n <= 0 ? 0 : n + odd_sum(n - 1);
}
