/*
 * check.c - the rules about what crosses modules (DESIGN, "Rules the
 * annotator enforces"): which functions are called or passed from another
 * module, variadic functions called across, globals shared across modules,
 * and modules whose caps differ from one place to another.
 */
#include "passes.h"

#include <string.h>
#include <talloc.h>

#include "annot.h"
#include "caps.h"

static struct fra_func *defined(struct fra_model *m, const char *key)
{
    struct fra_func *f = key ? fra_model_func(m, key) : NULL;

    return f && f->defined ? f : NULL;
}

/* A static function a header defines (jansson's json_decref, inline
 * helpers of any library header) is compiled into every file that reads
 * the header; only where that file uses it does its body call anything. */
static bool header_static(const struct fra_func *f)
{
    return f && f->defined && f->internal && f->in_header;
}

static bool unused(struct fra_model *m, const char *key)
{
    return fra_func_unused(key ? fra_model_func(m, key) : NULL);
}

static void mark_reached(struct fra_model *m)
{
    bool changed = true;

    while (changed) {
        changed = false;
        for (size_t i = 0; i < m->ncalls; i++) {
            const struct fra_call *c = &m->calls[i];
            struct fra_func *g = fra_model_func(m, c->callee);
            if (!header_static(g) || g->reached || unused(m, c->caller))
                continue;
            g->reached = true;
            changed = true;
        }
    }
}

void fra_calls(struct fra_model *m)
{
    mark_reached(m);
    for (size_t i = 0; i < m->ncalls; i++) {
        struct fra_call *c = &m->calls[i];
        struct fra_func *f = defined(m, c->callee);
        struct fra_func *via;

        if (!f || unused(m, c->caller))
            continue;         /* libc, code outside the inputs, a header's unused static */
        if (!c->address) {
            if (strcmp(f->module, c->from) == 0)
                continue;
            f->cross = true;
            if (f->variadic)
                fra_model_error(m, &c->loc,
                                "give it a fixed parameter list (format in the caller and pass "
                                "a const char *), or move the caller into the same module",
                                "call to variadic function '%s' of module '%s' from module '%s'",
                                f->name, f->module, c->from);
            continue;
        }
        via = defined(m, c->via);
        if ((strcmp(f->module, c->from) != 0 || (via && strcmp(via->module, f->module) != 0)) &&
            !f->callback) {
            f->callback = true;
            f->address_loc = c->loc;
        }
    }
}

static void check_globals(struct fra_model *m)
{
    for (size_t i = 0; i < m->nuses; i++) {
        const struct fra_use *u = &m->uses[i];
        const struct fra_global *g = fra_model_global(m, u->var);
        struct fra_func *user = u->user ? fra_model_func(m, u->user) : NULL;
        const char *from = user && user->module ? user->module : u->user_tu_module;

        if (!g || g->is_const || strcmp(g->module, from) == 0 || unused(m, u->user))
            continue;
        fra_model_error(m, &u->loc,
                        talloc_asprintf(m->ctx,
                                        "modules share no memory: reach it through a function "
                                        "of module '%s', or make it const",
                                        g->module),
                        "global variable '%s' of module '%s' is used from module '%s'", g->name,
                        g->module, from);
    }
}

static void check_caps(struct fra_model *m)
{
    /* moddecls are sorted by location (model.c): the first sets the caps. */
    for (size_t i = 0; i < m->nmoddecls; i++) {
        const struct fra_moddecl *d = &m->moddecls[i];
        const struct fra_moddecl *first = NULL;

        for (size_t k = 0; k < i && !first; k++)
            if (strcmp(m->moddecls[k].name, d->name) == 0)
                first = &m->moddecls[k];
        if (!first || first->caps == d->caps)
            continue;
        fra_model_error(m, &d->loc,
                        talloc_asprintf(m->ctx,
                                        "every FRACTURE_MODULE and FR_MODULE of module '%s' must "
                                        "name the same caps",
                                        d->name),
                        "caps of module '%s' differ: %s here, %s at %s", d->name,
                        fr__caps_text(m->ctx, d->caps), fr__caps_text(m->ctx, first->caps),
                        fra_loc_str(m->ctx, &first->loc));
    }
}

void fra_check(struct fra_model *m)
{
    check_globals(m);
    check_caps(m);
}
