/*
 * classes.c - merging errors into ranked bug classes (classes.h).
 *
 * A deployment counts once per class however many of its reports (its
 * recycled instances, its restarts) show it: the ranking asks how widely
 * a bug is seen, and one deployment's many processes are one vantage point.
 */
#include "classes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include "signature.h"

/* Counts are non-negative (vgxml.c clamps them); a sum stops at the top. */
static int64_t sat_add(int64_t a, int64_t b)
{
    return a > INT64_MAX - b ? INT64_MAX : a + b;
}

struct fr_classes *fr__classes_new(void *ctx)
{
    return talloc_zero(ctx, struct fr_classes);
}

int fr__strset_add(void *owner, struct fr_strset *set, const char *s)
{
    size_t lo = 0, hi = set->n;
    char **grown;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(set->v[mid], s);
        if (c == 0)
            return 0;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    grown = talloc_realloc(owner, set->v, char *, set->n + 1);
    if (!grown)
        return -ENOMEM;
    set->v = grown;
    memmove(&set->v[lo + 1], &set->v[lo], (set->n - lo) * sizeof *set->v);
    if (!(set->v[lo] = talloc_strdup(set->v, s))) {
        memmove(&set->v[lo], &set->v[lo + 1], (set->n - lo) * sizeof *set->v);
        return -ENOMEM;
    }
    set->n++;
    return 0;
}

char *fr__classes_module(void *ctx, const struct fr_vg_report *r)
{
    char *s;

    if (!r->nmodules)
        return talloc_strdup(ctx, "?");
    s = talloc_strdup(ctx, r->modules[0]);
    for (size_t i = 1; s && i < r->nmodules; i++)
        s = talloc_asprintf_append(s, "|%s", r->modules[i]);
    return s;
}

struct fr_class *fr__classes_find_or_add(struct fr_classes *c, const char *signature)
{
    struct fr_class *grown, *k;

    /* linear: a program has tens of bug classes, not thousands */
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].signature, signature) == 0)
            return &c->v[i];
    grown = talloc_realloc(c, c->v, struct fr_class, c->n + 1);
    if (!grown)
        return NULL;
    c->v = grown;
    k = &c->v[c->n];
    *k = (struct fr_class){ .first_seen = INT64_MAX, .last_seen = INT64_MIN };
    if (!(k->signature = talloc_strdup(c->v, signature)))
        return NULL;
    c->n++;
    return k;
}

/* The class's representative stack: @er's frames that are not Fracture's. */
static int set_stack(void *owner, struct fr_class *k, const struct fr_vg_error *er)
{
    k->stack = talloc_zero_array(owner, struct fr_vg_frame, FR_CLASS_STACK);
    if (!k->stack)
        return -ENOMEM;
    for (size_t i = 0; i < er->nframes && k->nstack < FR_CLASS_STACK; i++) {
        const struct fr_vg_frame *f = &er->frames[i];
        struct fr_vg_frame *to = &k->stack[k->nstack];

        if (fr__sig_frame_is_fracture(f))
            continue;
        to->fn = fr__sig_frame_name(k->stack, f);
        to->obj = f->obj ? talloc_strdup(k->stack, f->obj) : NULL;
        to->file = f->file ? talloc_strdup(k->stack, f->file) : NULL;
        to->dir = f->dir ? talloc_strdup(k->stack, f->dir) : NULL;
        to->line = f->line;
        if (!to->fn || (f->obj && !to->obj) || (f->file && !to->file) || (f->dir && !to->dir))
            return -ENOMEM;
        k->nstack++;
    }
    return 0;
}

int fr__classes_add(struct fr_classes *c, const char *deployment, const struct fr_vg_report *r,
                    int64_t mtime)
{
    void *tmp = talloc_new(c);
    const char *module = tmp ? fr__classes_module(tmp, r) : NULL;
    int rc = -ENOMEM;

    if (!module || fr__strset_add(c, &c->deployments, deployment) < 0)
        goto out;
    c->nreports++;
    if (r->truncated) {
        struct fr_truncated *grown = talloc_realloc(c, c->truncated, struct fr_truncated,
                                                    c->ntruncated + 1);
        if (!grown)
            goto out;
        c->truncated = grown;
        grown[c->ntruncated] = (struct fr_truncated){
            .deployment = talloc_strdup(grown, deployment),
            .file = talloc_strdup(grown, r->name), .nerrors = r->nerrors };
        if (!grown[c->ntruncated].deployment || !grown[c->ntruncated].file)
            goto out;
        c->ntruncated++;
    }
    for (size_t i = 0; i < r->nerrors; i++) {
        const struct fr_vg_error *er = &r->errors[i];
        char *sig = fr__sig_of(tmp, er);
        struct fr_class *k = sig ? fr__classes_find_or_add(c, sig) : NULL;

        if (!k)
            goto out;
        if (!k->kind) {
            k->kind = talloc_strdup(c->v, er->kind);
            k->what = fr__sig_what(c->v, er);
            if (!k->kind || !k->what || set_stack(c->v, k, er) < 0)
                goto out;
        }
        k->occurrences = sat_add(k->occurrences, er->count);
        k->bytes = sat_add(k->bytes, er->bytes);
        if (mtime < k->first_seen)
            k->first_seen = mtime;
        if (mtime > k->last_seen)
            k->last_seen = mtime;
        if (fr__strset_add(c->v, &k->deployments, deployment) < 0 ||
            fr__strset_add(c->v, &k->modules, module) < 0 ||
            fr__strset_add(c->v, &k->fmps, r->fmp ? r->fmp : "?") < 0)
            goto out;
    }
    rc = 0;
out:
    talloc_free(tmp);
    return rc;
}

static int by_rank(const void *pa, const void *pb)
{
    const struct fr_class *a = pa, *b = pb;

    if (a->deployments.n != b->deployments.n)
        return a->deployments.n > b->deployments.n ? -1 : 1;
    if (a->occurrences != b->occurrences)
        return a->occurrences > b->occurrences ? -1 : 1;
    if (a->bytes != b->bytes)
        return a->bytes > b->bytes ? -1 : 1;
    return strcmp(a->signature, b->signature);
}

static int by_file(const void *pa, const void *pb)
{
    const struct fr_truncated *a = pa, *b = pb;
    int c = strcmp(a->deployment, b->deployment);
    return c ? c : strcmp(a->file, b->file);
}

void fr__classes_rank(struct fr_classes *c)
{
    if (c->n > 1)
        qsort(c->v, c->n, sizeof *c->v, by_rank);
    if (c->ntruncated > 1)
        qsort(c->truncated, c->ntruncated, sizeof *c->truncated, by_file);
}
