#include <fracture.h>
#include "pp.h"

FRACTURE_MODULE(ping, 0);

int ping(int n)
{
    return n <= 0 ? 0 : 1 + 2 * pong(n - 1);
}
