/* relay.c - module relay: calls box from a child FMP. */
#include "route.h"

FRACTURE_MODULE(relay, 0);

int relay_pid(void)
{
    return box_pid();
}

int relay_init(int base)
{
    return box_init(base);
}
