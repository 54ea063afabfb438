#include <fracture.h>
#include "pp.h"

FRACTURE_MODULE(pong, 0);

int pong(int n)
{
    return n <= 0 ? 1 : 3 + ping(n - 1);
}
