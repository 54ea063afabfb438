/* near.c - module near: calls box from the FMP of box's plain copy (the
 * root, or the FMP `fmps:` places box in), where the plain share runs
 * without crossing. */
#include "route.h"

FRACTURE_MODULE(near, FR_RESTARTABLE);

int near_init(int base)
{
    return box_init(base);
}

int near_pid(void)
{
    return box_pid();
}

int near_objects(int n)
{
    int bad = 0;

    for (int i = 0; i < n; i++) {
        int pid = 0;
        struct box *b = box_new(i, &pid);

        if (!b)
            return -1;
        bad += box_where(b) != pid;
        box_free(b);
    }
    return bad;
}
