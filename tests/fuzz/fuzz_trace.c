/*
 * fuzz_trace.c - libFuzzer target for the training-trace reader
 * (partition/trace_read.c): a trace is a file anyone may have edited or
 * cut short.  Reading never reads or writes out of bounds and never leaks
 * (every allocation hangs off one talloc context, freed after each input,
 * so LeakSanitizer sees anything that escaped it); a trace it accepts has
 * every edge between modules it lists; a refusal leaves the sum it was
 * added to as it was; and an accepted trace added to itself doubles.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "trace_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *ctx = talloc_new(NULL);
    struct fr_trace *t = ctx ? fr__trace_new(ctx) : NULL;
    struct fr_perr e;

    if (!t) {
        talloc_free(ctx);
        return 0;
    }
    fr__perr_init(&e, ctx);
    if (fr__trace_add_text(t, "fuzz.json", (const char *)data, size, &e) == 0) {
        int64_t runs = t->runs, calls0 = t->nedges ? t->edges[0].calls : 0;
        size_t nedges = t->nedges;

        if (t->nfiles != 1 || t->main_index >= t->nmodules || t->runs < 1)
            abort();
        for (size_t i = 0; i < t->nedges; i++)
            if (t->edges[i].from >= t->nmodules || t->edges[i].to >= t->nmodules ||
                t->edges[i].calls < 0 || !t->edges[i].function)
                abort();
        fr__perr_init(&e, ctx);
        if (fr__trace_add_text(t, "again.json", (const char *)data, size, &e) == 0) {
            if (t->runs != 2 * runs || t->nedges != nedges || t->nfiles != 2 ||
                (nedges && t->edges[0].calls != 2 * calls0))
                abort();
        } else if (t->runs != runs || t->nfiles != 1 || !e.msg ||
                   (nedges && t->edges[0].calls != calls0)) {
            abort();          /* a refusal (an overflow) changed the sum */
        }
    } else if (!e.msg || t->nfiles != 0) {
        abort();              /* refused without a reason, or half added */
    }
    talloc_free(ctx);
    return 0;
}
