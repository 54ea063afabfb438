/*
 * fuzz_report.c - libFuzzer target for what `fracture report` reads from
 * deployments (rt/report/): an input starting with gzip's magic is a
 * .tar.gz of reports (inputs.c, libarchive), anything else one Valgrind
 * XML report (vgxml.c, libxml2).  Reading never reads or writes out of
 * bounds and never leaks (all of it hangs off one talloc context, freed
 * after each input); a refusal always says why; every accepted error has a
 * kind, at most 64 frames and counts in range; the classes hold exactly
 * the occurrences of the errors accepted; and every rendering runs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <talloc.h>

#include "classes.h"
#include "inputs.h"
#include "render.h"
#include "vgxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
    void *ctx;
    struct fr_classes *c;
    struct fr_perr *e;
    int64_t occurrences;
};

static int take(void *arg, const char *name, const char *text, size_t len, int64_t mtime)
{
    struct state *st = arg;
    struct fr_vg_report *r;
    int rc = fr__vgxml_read(st->ctx, name, text, len, &r, st->e);

    if (rc < 0) {
        if (!st->e->msg)
            abort();          /* refused without a reason */
        return rc;
    }
    for (size_t i = 0; i < r->nerrors; i++) {
        const struct fr_vg_error *er = &r->errors[i];
        if (!er->kind || er->nframes > 64 || er->count < 1 || er->count > FR_VG_MAX_COUNT ||
            er->bytes < 0 || er->bytes > FR_VG_MAX_COUNT)
            abort();
        st->occurrences += er->count;
    }
    if (fr__classes_add(st->c, "fuzz", r, mtime) < 0)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *ctx = talloc_new(NULL);
    struct fr_perr e;
    struct state st = { .ctx = ctx, .e = &e };
    int64_t sum = 0;
    size_t len;
    FILE *null;
    int rc;

    if (!ctx || !(st.c = fr__classes_new(ctx))) {
        talloc_free(ctx);
        return 0;
    }
    fr__perr_init(&e, ctx);
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        rc = fr__input_archive_mem(ctx, "fuzz.tar.gz", data, size, take, &st, &e);
    else
        rc = take(&st, "fuzz/app.instance1.42.xml", (const char *)data, size, 0);
    if (rc < 0 && !e.msg)
        abort();
    fr__classes_rank(st.c);
    for (size_t i = 0; i < st.c->n; i++) {
        if (!st.c->v[i].kind || st.c->v[i].nstack > FR_CLASS_STACK ||
            st.c->v[i].deployments.n != 1)
            abort();
        sum += st.c->v[i].occurrences;
    }
    if (sum != st.occurrences)
        abort();              /* an occurrence lost or counted twice */
    if ((null = fopen("/dev/null", "w"))) {
        fr__render_text(null, st.c);
        if (fr__render_json(null, st.c) < 0)
            abort();
        fclose(null);
    }
    if (!fr__render_html(ctx, st.c, &len))
        abort();
    talloc_free(ctx);
    return 0;
}
