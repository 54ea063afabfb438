/*
 * spec.c - what a spec file adds to the model (spec.h): the files it is,
 * the modules its FRACTURE_MODULE_FILES lines give to the sources they
 * list, and the checks that what it names exists.
 *
 * A listed file matches a translation unit by path suffix at a component
 * boundary: "cJSON.c" matches "cJSON.c", "src/cJSON.c" and
 * "/abs/src/cJSON.c"; "src/cJSON.c" does not match "lib/cJSON.c".  The unit
 * is tried both as named on the command line and as its real path, so a
 * spec need not know from where the annotator is run.
 */
#include "spec.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

/* @p without any leading "./". */
static const char *undot(const char *p)
{
    while (strncmp(p, "./", 2) == 0)
        p += 2;
    return p;
}

int fra_spec_add(struct fra_model *m, const char *file)
{
    char real[PATH_MAX];
    char **v = talloc_realloc(m->ctx, m->specs, char *, m->nspecs + 2);

    if (!v)
        return -ENOMEM;
    m->specs = v;
    v[m->nspecs] = talloc_strdup(m->ctx, undot(file));
    /* Its real path beside it: clang may name it either way. */
    v[m->nspecs + 1] = talloc_strdup(m->ctx, realpath(file, real) ? real : undot(file));
    if (!v[m->nspecs] || !v[m->nspecs + 1])
        return -ENOMEM;
    m->nspecs += 2;
    return 0;
}

bool fra_spec_is_spec(const struct fra_model *m, const char *file)
{
    char real[PATH_MAX];
    const char *r;

    if (!file || m->nspecs == 0)
        return false;
    r = realpath(file, real) ? real : NULL;
    for (size_t i = 0; i < m->nspecs; i++)
        if (strcmp(m->specs[i], undot(file)) == 0 || (r && strcmp(m->specs[i], r) == 0))
            return true;
    return false;
}

static bool suffix_match(const char *path, const char *want)
{
    size_t lp = strlen(path), lw = strlen(want);

    if (lw == 0 || lw > lp || strcmp(path + lp - lw, want) != 0)
        return false;
    return lp == lw || path[lp - lw - 1] == '/' || want[0] == '/';
}

/* The string literals of "\"a.c\", \"b.c\"" (the stringized variadic part)
 * into @e->files.  Returns 0, -EINVAL for anything but literals, -ENOMEM. */
static int parse_files(void *ctx, struct fra_modfiles *e, const char *s)
{
    for (;;) {
        char *buf, *out, **files;
        unsigned *matched;

        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == ',')
            s++;
        if (!*s)
            break;
        if (*s != '"')
            return -EINVAL;
        buf = out = talloc_size(ctx, strlen(s) + 1);
        if (!buf)
            return -ENOMEM;
        for (s++; *s && *s != '"'; s++) {
            if (*s == '\\' && s[1])
                s++;
            *out++ = *s;
        }
        if (*s != '"')
            return -EINVAL;
        s++;
        *out = '\0';
        files = talloc_realloc(ctx, e->files, char *, e->nfiles + 1);
        if (files)
            e->files = files;
        matched = talloc_realloc(ctx, e->matched, unsigned, e->nfiles + 1);
        if (matched)
            e->matched = matched;
        if (!files || !matched)
            return -ENOMEM;
        e->files[e->nfiles] = (char *)undot(buf);
        e->matched[e->nfiles++] = 0;
    }
    return e->nfiles ? 0 : -EINVAL;
}

/* The entry of the FRACTURE_MODULE_FILES at @loc, made on first sight
 * (every translation unit reads the spec again). */
static struct fra_modfiles *entry(struct fra_model *m, const struct fra_loc *loc,
                                  const char *ann, bool *bad)
{
    const char *c1 = strchr(ann, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    struct fra_modfiles *e;
    int rc;

    *bad = false;
    for (size_t i = 0; i < m->nmodfiles; i++)
        if (fra_loc_cmp(&m->modfiles[i].loc, loc) == 0)
            return &m->modfiles[i];
    e = talloc_realloc(m->ctx, m->modfiles, struct fra_modfiles, m->nmodfiles + 1);
    if (!e)
        return NULL;
    m->modfiles = e;
    e = &e[m->nmodfiles++];
    memset(e, 0, sizeof *e);
    e->loc = *loc;
    e->loc.file = talloc_strdup(m->ctx, loc->file);
    if (!c1 || !c2) {
        *bad = true;
        e->name = talloc_strdup(m->ctx, ann);
        e->caps_text = talloc_strdup(m->ctx, "0");
        return e;
    }
    e->name = talloc_strndup(m->ctx, ann, (size_t)(c1 - ann));
    e->caps_text = talloc_strndup(m->ctx, c1 + 1, (size_t)(c2 - c1 - 1));
    if (!e->name || !e->caps_text || !e->loc.file)
        return NULL;
    rc = parse_files(m->ctx, e, c2 + 1);
    if (rc == -ENOMEM)
        return NULL;
    if (rc < 0) {
        *bad = true;
        e->nfiles = 0;
        fra_model_error(m, &e->loc,
                        "write FRACTURE_MODULE_FILES(name, caps, \"a.c\", \"dir/b.c\", ...)",
                        "FRACTURE_MODULE_FILES of module '%s' lists its files as string "
                        "literals, at least one",
                        e->name);
    }
    return e;
}

int fra_spec_module_files(struct fra_model *m, void *ctx, const char *tu,
                          const struct fra_loc *loc, const char *ann, char **module)
{
    char real[PATH_MAX];
    const char *r = realpath(tu, real) ? real : NULL;
    struct fra_modfiles *e;
    bool bad, hit = false;

    *module = NULL;
    e = entry(m, loc, ann, &bad);
    if (!e)
        return -ENOMEM;
    for (size_t i = 0; i < e->nfiles; i++)
        if (suffix_match(undot(tu), e->files[i]) || (r && suffix_match(r, e->files[i]))) {
            e->matched[i]++;
            hit = true;
        }
    if (!hit || bad)
        return 0;
    *module = talloc_asprintf(ctx, "%s:%s", e->name, e->caps_text);
    return *module ? 1 : -ENOMEM;
}

/* The sources, comma separated, for a hint: at most a few. */
static char *sources(struct fra_model *m)
{
    char *s = talloc_strdup(m->ctx, "");

    for (size_t i = 0; s && i < m->ntus && i < 6; i++)
        s = talloc_asprintf_append(s, "%s%s", i ? ", " : "", m->tus[i]);
    if (s && m->ntus > 6)
        s = talloc_asprintf_append(s, ", ...");
    return s;
}

/* A static function declared by a spec is declared in every file and
 * defined in one: only its name says which. */
static bool defined_anywhere(const struct fra_model *m, const char *name)
{
    for (size_t i = 0; i < m->nfuncs; i++)
        if (m->funcs[i]->defined && strcmp(m->funcs[i]->name, name) == 0)
            return true;
    return false;
}

void fra_spec_check(struct fra_model *m)
{
    for (size_t i = 0; i < m->nmodfiles; i++) {
        const struct fra_modfiles *e = &m->modfiles[i];

        for (size_t k = 0; k < e->nfiles; k++) {
            if (e->matched[k])
                continue;
            fra_model_error(m, &e->loc,
                            talloc_asprintf(m->ctx,
                                            "a listed file matches a source by its path or a "
                                            "path suffix (\"cJSON.c\" matches \"src/cJSON.c\"); "
                                            "the sources are: %s",
                                            sources(m)),
                            "'%s' in FRACTURE_MODULE_FILES of module '%s' matches no source "
                            "file",
                            e->files[k], e->name);
        }
    }
    if (m->nspecs == 0)
        return;
    for (size_t i = 0; i < m->nfuncs; i++) {
        const struct fra_func *f = m->funcs[i];

        if (f->defined || defined_anywhere(m, f->name))
            continue;
        for (size_t k = 0; k < f->ndecls; k++)
            if (fra_spec_is_spec(m, f->decls[k].loc.file)) {
                fra_model_error(m, &f->decls[k].loc,
                                "check the name against the sources, or give the source that "
                                "defines it; a spec annotates only functions the sources define",
                                "the spec declares '%s', but no source file defines it",
                                f->name);
                break;
            }
    }
}
