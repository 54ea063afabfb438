/*
 * fuzz_plan.c - libFuzzer target for the plan a child FMP receives in
 * FRACTURE_PLAN (plan.c): an environment variable, so anything that can
 * set a child's environment can hand it any bytes.  Decoding never reads
 * or writes out of bounds, never leaks (the talloc context is freed after
 * each input, so LeakSanitizer sees anything that escaped it), and every
 * plan it accepts is one the root could have written: encoding it again
 * and decoding that gives the same plan.
 *
 * Input: the bytes, cut at the first NUL, as the environment would.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "fake_app.h"
#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_plan(const struct fr_plan *a, const struct fr_plan *b, unsigned nmodules)
{
    int n = a->nfmps;

    if (b->nfmps != n || a->spin_us != b->spin_us || a->max_threads != b->max_threads ||
        a->call_timeout_ms != b->call_timeout_ms || a->channel_bytes != b->channel_bytes ||
        a->max_payload != b->max_payload || a->ngroups != b->ngroups ||
        memcmp(a->names, b->names, (size_t)n * FR_FMP_NAME_MAX) ||
        memcmp(a->retries, b->retries, (size_t)n * sizeof(int)) ||
        memcmp(a->abort_exhausted, b->abort_exhausted, (size_t)n * sizeof(int)) ||
        memcmp(a->fmp_of_module, b->fmp_of_module, nmodules * sizeof(int)) ||
        memcmp(a->pair, b->pair, (size_t)n * (size_t)n))
        abort();
    for (int g = 0; g < a->ngroups; g++) {
        const struct fr_group *x = &a->groups[g], *y = &b->groups[g];
        if (x->kind != y->kind || x->n != y->n || x->seed != y->seed ||
            x->on_divergence != y->on_divergence || x->total != y->total ||
            x->crowd != y->crowd || x->plain != y->plain ||
            memcmp(x->member, y->member, (size_t)x->n * sizeof(int)) ||
            memcmp(x->weight, y->weight, (size_t)x->n * sizeof(unsigned)) ||
            memcmp(x->recycle, y->recycle, (size_t)x->n * sizeof(uint64_t)))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *ctx = talloc_new(NULL);
    struct fr_plan p, q;
    struct fr_plan_region *regions, *regions2;
    int self, nregions, ctl, self2, nregions2, ctl2;
    pid_t root, root2;
    char *s, *again;

    if (!ctx)
        return 0;
    fr__rt.app = &fake_app;   /* the encoder reads the module count there */
    s = talloc_strndup(ctx, (const char *)data, size);
    if (s && fr__plan_decode(ctx, s, &fake_app, &p, &self, &root, &regions, &nregions,
                             &ctl) == 0) {
        again = fr__plan_encode(ctx, &p, self, root, regions, nregions, ctl);
        if (!again || fr__plan_decode(ctx, again, &fake_app, &q, &self2, &root2, &regions2,
                                      &nregions2, &ctl2) != 0)
            abort();          /* a plan accepted that the root could not write */
        if (self2 != self || root2 != root || nregions2 != nregions || ctl2 != ctl ||
            memcmp(regions, regions2, (size_t)nregions * sizeof(*regions)))
            abort();
        same_plan(&p, &q, fake_app.nmodules);
    }
    talloc_free(ctx);
    return 0;
}
