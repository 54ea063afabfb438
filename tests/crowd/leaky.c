/*
 * leaky.c - module leaky: the known leak.  leaky_keep(n) loses n blocks
 * of 48 bytes, definitely (memcheck's Leak_DefinitelyLost).
 */
#include <fracture.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crowdbug.h"

FRACTURE_MODULE(leaky, FR_RESTARTABLE | FR_SAMPLABLE);

int leaky_keep(int n)
{
    int len = 0;

    for (int i = 0; i < n; i++) {
        char *p = malloc(48);

        if (!p)
            return -1;
        snprintf(p, 48, "block %d of %d", i, n);
        len += (int)strlen(p);
    }
    return len;
}
