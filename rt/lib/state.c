/*
 * state.c - the runtime's state in this process (state.h): one per FMP,
 * filled by start.c in the root and child.c in a child.
 */
#include "state.h"

#include <stdlib.h>

#include <fracture/abi.h>

struct fr_rt fr__rt = { .ctl = -1 };

/* Per module: whether a call to it leaves this FMP; read by every stub's
 * one branch (fracture/abi.h), so it lives apart from fr__rt. */
FR_API unsigned char fr__remote[FR_MAX_MODULES];

unsigned char fr__hooked[FR_MAX_MODULES];
_Atomic int fr__hooks_on;
__thread int fr__cur_module;

const struct fr_app *fr__app_flatten(const struct fr_app *app)
{
    static struct fr_app flat;
    struct fr_function *fns;

    if (app->functions || !app->function_list)
        return app;
    if (flat.functions && flat.name == app->name && flat.nfunctions == app->nfunctions)
        return &flat;         /* flattened already (hooks registered before fr_main) */
    fns = calloc(app->nfunctions ? app->nfunctions : 1, sizeof *fns);
    if (!fns)
        return NULL;
    for (unsigned i = 0; i < app->nfunctions; i++)
        fns[i] = *app->function_list[i];
    flat = *app;
    flat.functions = fns;
    flat.function_list = NULL;
    return &flat;
}
