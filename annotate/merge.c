/*
 * merge.c - agree on one set of annotations per function and parameter.
 *
 * Annotations may stand on a prototype or on the definition (DESIGN,
 * "Annotations"); a declaration that carries none takes the others', and
 * two that carry different ones are an error at the later one.  Declarations
 * are compared by what is written on each (collect.c leaves out what clang
 * inherits), prototypes before the definition.
 */
#include "passes.h"

#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "annot.h"

static int cmp_decl(const void *pa, const void *pb)
{
    const struct fra_decl *a = pa, *b = pb;

    if (a->def != b->def)
        return a->def ? 1 : -1;
    return fra_loc_cmp(&a->loc, &b->loc);
}

static const char *HINT =
    "a prototype and its definition must carry the same annotations; write them on one, "
    "or the same on both";

/* The annotations @d carries on the function itself, less FR_MODULE: that
 * one names the module from the definition alone (DESIGN), so a prototype
 * that carries the rest is not a conflict. */
static struct fra_anns fn_own(void *ctx, const struct fra_decl *d)
{
    struct fra_anns a = {NULL, 0};

    for (size_t i = 0; i < d->own.n; i++)
        if (strncmp(d->own.v[i], "fn-module:", 10) != 0)
            fra_anns_add(ctx, &a, d->own.v[i]);
    return a;
}

static void agree_fn(struct fra_model *m, struct fra_func *f)
{
    const struct fra_decl *ref = NULL;
    struct fra_anns ref_own = {NULL, 0};
    const char *module = NULL;

    for (size_t i = 0; i < f->ndecls; i++) {
        const struct fra_decl *d = &f->decls[i];
        struct fra_anns own = fn_own(f, d);

        if (!module)
            module = fra_anns_find(&d->own, "fn-module");
        if (!own.n)
            continue;
        if (!ref) {
            ref = d;
            ref_own = own;
            continue;
        }
        if (!fra_anns_equal(&ref_own, &own))
            fra_model_error(m, &d->loc, HINT,
                            "annotations of '%s' conflict: %s here, %s at %s", f->name,
                            fra_anns_macros(m->ctx, &own), fra_anns_macros(m->ctx, &ref_own),
                            fra_loc_str(m->ctx, &ref->loc));
    }
    f->ann = ref_own;
    if (module)
        fra_anns_add(f, &f->ann, talloc_asprintf(f, "fn-module:%s", module));
}

static void agree_param(struct fra_model *m, struct fra_func *f, unsigned p)
{
    const struct fra_decl *ref = NULL;

    for (size_t i = 0; i < f->ndecls; i++) {
        const struct fra_decl *d = &f->decls[i];
        if (p >= d->nparams || !d->pown[p].n)
            continue;
        if (!ref) {
            ref = d;
            continue;
        }
        if (!fra_anns_equal(&ref->pown[p], &d->pown[p]))
            fra_model_error(m, &d->ploc[p], HINT,
                            "annotations of parameter '%s' of '%s' conflict: %s here, %s at %s",
                            f->params[p].name, f->name, fra_anns_macros(m->ctx, &d->pown[p]),
                            fra_anns_macros(m->ctx, &ref->pown[p]),
                            fra_loc_str(m->ctx, &ref->ploc[p]));
    }
    if (ref)
        f->params[p].ann = ref->pown[p];
}

/* FR_MODULE names a module like FRACTURE_MODULE does, from a definition. */
static void fn_module(struct fra_model *m, struct fra_func *f, const char *ann)
{
    struct fra_moddecl *md;
    const char *colon = strrchr(ann, ':');
    char *bad;

    md = talloc_realloc(m->ctx, m->moddecls, struct fra_moddecl, m->nmoddecls + 1);
    if (!md)
        return;
    m->moddecls = md;
    md = &md[m->nmoddecls++];
    md->name = colon ? talloc_strndup(m->ctx, ann, (size_t)(colon - ann)) : talloc_strdup(m->ctx, ann);
    md->caps_text = talloc_strdup(m->ctx, colon ? colon + 1 : "0");
    md->loc = f->loc;
    md->caps = 0;
    if (fra_caps_parse(m->ctx, md->caps_text, &md->caps, &bad) < 0)
        fra_model_error(m, &md->loc,
                        "caps are 0 or FR_RESTARTABLE, FR_REPLICABLE, FR_SAMPLABLE joined by |",
                        "unknown capability '%s' for module '%s'", bad, md->name);
}

void fra_merge(struct fra_model *m)
{
    for (size_t i = 0; i < m->nfuncs; i++) {
        struct fra_func *f = m->funcs[i];
        const char *fail;

        fra_sort(f->decls, f->ndecls, sizeof *f->decls, cmp_decl);
        agree_fn(m, f);
        for (unsigned p = 0; p < f->nparams; p++)
            agree_param(m, f, p);
        f->init = fra_anns_find(&f->ann, "init") != NULL;
        f->ret_owned = fra_anns_find(&f->ann, "ret-owned") != NULL;
        if (fra_anns_find(&f->ann, "fn-module") && f->defined)
            fn_module(m, f, fra_anns_find(&f->ann, "fn-module"));
        fail = fra_anns_find(&f->ann, "on-failure");
        if (fail) {
            const char *colon = strrchr(fail, ':');
            f->fail_value = colon ? talloc_strndup(f, fail, (size_t)(colon - fail))
                                  : talloc_strdup(f, fail);
            f->fail_errno = talloc_strdup(f, colon ? colon + 1 : "0");
        }
    }
}
