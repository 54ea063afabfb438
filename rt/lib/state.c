/*
 * state.c - the runtime's state in this process (state.h): one per FMP,
 * filled by start.c in the root and child.c in a child.
 */
#include "state.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include <fracture/abi.h>

struct fr_rt fr__rt = { .ctl = -1 };

/* Per module: whether a call to it leaves this FMP; read by every stub's
 * one branch (fracture/abi.h), so it lives apart from fr__rt. */
FR_API unsigned char fr__remote[FR_MAX_MODULES];

unsigned char fr__hooked[FR_MAX_MODULES];
_Atomic int fr__hooks_on;
__thread int fr__cur_module;
_Atomic int fr__meta_local;

int fr__remote_local_refresh(void)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    int rc = 0;

    pthread_mutex_lock(&lock);
    if (fr__rt.app && !fr__rt.app->functions && fr__rt.app->function_list) {
        const struct fr_app *flat = fr__app_flatten(fr__rt.app);
        if (!flat)
            rc = -ENOMEM;
        else
            fr__rt.app = flat;
    }
    for (unsigned m = 0; rc == 0 && fr__rt.app && m < fr__rt.app->nmodules; m++)
        if (fr__remote[m] == 0 || fr__remote[m] == FR_REMOTE_HOOKED)
            fr__remote[m] = fr__remote_here(m);
    pthread_mutex_unlock(&lock);
    return rc;
}

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
