/*
 * caps.c - the one table of module capabilities and their policies
 * (caps.h).  The bits are abi.h's, which generated code and the runtime
 * agree on; the names here are all the text that goes with them.
 */
#include "caps.h"

#include <talloc.h>

#include <fracture/abi.h>

const struct fr_cap fr__caps[FR__NCAPS] = {
    { FR_RESTARTABLE, "FR_RESTARTABLE", "restartable", "restart", "restarting" },
    { FR_REPLICABLE, "FR_REPLICABLE", "replicable", "replicate", "replicating" },
    { FR_SAMPLABLE, "FR_SAMPLABLE", "samplable", "sample", "sampling" },
};

char *fr__caps_text(void *ctx, unsigned mask)
{
    char *s = NULL;

    for (size_t i = 0; i < FR__NCAPS; i++)
        if (mask & fr__caps[i].bit)
            s = s ? talloc_asprintf_append(s, " | %s", fr__caps[i].macro)
                  : talloc_strdup(ctx, fr__caps[i].macro);
    return s ? s : talloc_strdup(ctx, "0");
}

_Static_assert(FR_RESTARTABLE == 1u << 0 && FR_REPLICABLE == 1u << 1 &&
                   FR_SAMPLABLE == 1u << 2,
               "fr__caps is in bit order");
