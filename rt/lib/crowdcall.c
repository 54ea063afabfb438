/*
 * crowdcall.c - a crowd deployment (crowd.c) runs its chosen module
 * twice: the plain copy where `fmps:` puts it (the root, or the FMP
 * `fmps:` places it in: the group's `plain`, P below), and an
 * instrumented copy in FMP crowd-M, a one-instance `sample:` group (the
 * twin, group.h).  Each call to the module chooses its copy here, in the
 * caller's FMP, whichever FMP that is (the root, P itself, any other), so
 * that the plain share of the calls pays no crossing when the caller is
 * in P (the module's own neighbours there): only `percent` % go across,
 * to memcheck.  Every FMP but the twin routes so (FR_REMOTE_CROWD); P
 * serves the plain share, the twin the rest.
 *
 * What keeps the two copies exact, each as exact as an instance of a
 * sampled FMP is (the module is FR_SAMPLABLE: its calls may land on any
 * copy, and state shared between calls diverges between copies as it does
 * between sampled instances):
 *   - FR_INIT calls run in both (call.c), so each copy has the module's
 *     state from them -- but one that passes objects of one copy, which
 *     the other could not use, runs in that copy alone; the calls sent to
 *     P are logged as any call to P and replayed into it when it restarts
 *     (initlog.c), those to the twin into the twin;
 *   - a call that passes an object one copy made runs in that copy: the
 *     twin's objects carry its tag (handle.c), P's are P's own pointers
 *     (in P) or carry P's tag (elsewhere); an object of any other FMP
 *     names neither copy; a call passing objects of both copies fails
 *     with EXDEV, said once;
 *   - while a call runs in one copy, the thread is pinned to it (its
 *     metadata, which follows it into every FMP): a nested call back into
 *     the module, from anywhere, runs in the same copy;
 *   - otherwise the call draws, with the group's seed (sample.c), the
 *     same sequence a two-instance sample of weights 100-p and p drew.
 * A twin that is gone for good takes no more drawn calls: they run in the
 * plain copy.  A P that crashes restarts by its own `restart:` (its
 * objects dying with the incarnation, ESTALE), and one gone for good fails
 * the plain share as it would fail without the crowd (FR_ON_FAILURE): the
 * twin, an instrumented copy, does not take P's place.
 */
#include "crowdcall.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>

#include <fracture/meta.h>

#include "group.h"
#include "handle.h"
#include "log.h"
#include "meta.h"
#include "sample.h"
#include "state.h"
#include "wire.h"

/* The pin's values (fr__meta_pin of the group): the twin as sample.c pins
 * its one member, and the plain copy. */
#define PIN_TWIN 1
#define PIN_PLAIN 2

static _Atomic int said_mixed;

static int mixed(const struct fr_call *c, const struct fr_group *g, int pinned)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];

    if (!atomic_exchange(&said_mixed, 1))
        fr__log("error: call to %s() of crowd module '%s': it passes %s (the plain copy "
                "runs in FMP '%s', the instrumented one in FMP '%s'); each copy holds its "
                "own objects and the call can run in one only, so it fails with EXDEV; "
                "fix: pass objects of one copy in one call", f->name,
                fr__rt.app->modules[f->module].name,
                pinned ? "an object of one copy of the module while a call to the other "
                         "copy is in progress"
                       : "objects of both copies of the module",
                fr__rt.fmps[g->plain].name, fr__rt.fmps[g->member[0]].name);
    return -EXDEV;
}

/* The copy whose objects call @c passes, given @want (a pin, or 0):
 * PIN_TWIN, PIN_PLAIN, 0 (none of either), or -EXDEV (said). */
static int objects_copy(struct fr_call *c, const struct fr_group *g, int want)
{
    int pinned = want != 0;

    for (unsigned i = 0; c->nhandles && i < c->nfields; i++) {
        int o, w;

        if (c->fields[i].kind != FR_W_HANDLE)
            continue;
        o = fr__handle_owner(c->fields[i].len);
        w = o == g->member[0] ? PIN_TWIN : o == g->plain ? PIN_PLAIN : 0;
        if (w && want && w != want)
            return mixed(c, g, pinned);
        want = w ? w : want;
    }
    return want;
}

int fr__crowd_init_route(struct fr_call *c, int gi, int *both)
{
    struct fr_group *g = &fr__rt.groups[gi];
    int want = objects_copy(c, g, 0);

    *both = want == 0;
    return want < 0 ? want : want == PIN_TWIN ? g->member[0] : g->plain;
}

int fr__crowd_route(struct fr_call *c, int gi)
{
    struct fr_group *g = &fr__rt.groups[gi];
    int twin = g->member[0], want = 0;
    unsigned v = fr__meta_pin((unsigned)gi);

    if (v == PIN_TWIN || v == PIN_PLAIN)
        want = (int)v;
    if ((want = objects_copy(c, g, want)) < 0)
        return want;
    if (!want) {
        want = fr__sample_next(g) % 100 >= 100u - g->weight[0] ? PIN_TWIN : PIN_PLAIN;
        if (want == PIN_TWIN && !fr__member_alive(twin))
            want = PIN_PLAIN;
    }
    return want == PIN_TWIN ? twin : g->plain;
}

int fr__crowd_pin(int gi, int to)
{
    if (to != fr__rt.groups[gi].plain || fr__meta_pin((unsigned)gi))
        return 0;
    fr__meta_pin_set((unsigned)gi, PIN_PLAIN);
    return 1;
}

void fr__crowd_unpin(int gi, int was_set)
{
    if (was_set)
        fr__meta_pin_set((unsigned)gi, 0);
}
