/*
 * trace.c - lookups on a trace in memory (trace.h).
 */
#include "trace.h"

#include <string.h>

static const struct {
    unsigned cap;
    const char *name;
} caps[] = {
    { FR_CAP_RESTARTABLE, "restartable" },
    { FR_CAP_REPLICABLE, "replicable" },
    { FR_CAP_SAMPLABLE, "samplable" },
};

long fr__trace_module(const struct fr_trace *t, const char *name)
{
    for (size_t i = 0; i < t->nmodules; i++)
        if (strcmp(t->modules[i].name, name) == 0)
            return (long)i;
    return -1;
}

const char *fr__cap_name(unsigned cap)
{
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (caps[i].cap == cap)
            return caps[i].name;
    return NULL;
}

unsigned fr__cap_parse(const char *name)
{
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++)
        if (strcmp(caps[i].name, name) == 0)
            return caps[i].cap;
    return 0;
}
