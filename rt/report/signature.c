/*
 * signature.c - bug classes' signatures: normalised, suppressed top
 * frames (signature.h).
 */
#include "signature.h"

#include <string.h>
#include <talloc.h>

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static const char *base_of(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

bool fr__sig_frame_is_fracture(const struct fr_vg_frame *f)
{
    if (f->fn && (starts(f->fn, "fr_") || (starts(f->fn, "__fr_") &&
                                           !starts(f->fn, "__fr_user_") &&
                                           !starts(f->fn, "__fr_impl_"))))
        return true;
    if (f->obj && starts(base_of(f->obj), "libfracture"))
        return true;
    /* the runtime linked statically (libfracture.a): its static functions
     * carry no prefix, but their sources are rt/lib's; and the generated
     * real main() with the module table */
    if (f->dir && (ends(f->dir, "/rt/lib") || ends(f->dir, "/rt/lib/")))
        return true;
    return f->file && strcmp(f->file, "fracture_app.c") == 0;
}

/* ".constprop.0", ".isra.12", ".part.3", ".cold", ".lto_priv.0": where the
 * compiler's clone suffixes start, or NULL. */
static const char *clone_suffix(const char *fn)
{
    static const char *const sfx[] = { ".constprop.", ".isra.", ".part.", ".cold",
                                       ".lto_priv.", ".localalias" };
    const char *first = NULL;

    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        const char *p = strstr(fn, sfx[i]);
        if (p && (!first || p < first))
            first = p;
    }
    return first;
}

char *fr__sig_frame_name(void *ctx, const struct fr_vg_frame *f)
{
    const char *fn = f->fn, *cut;

    if (fn && strcmp(fn, "UnknownInlinedFun") == 0)
        return talloc_asprintf(ctx, "inlined@%s", f->file ? base_of(f->file) : "?");
    if (fn) {
        if (starts(fn, "__fr_user_"))
            fn += strlen("__fr_user_");
        else if (starts(fn, "__fr_impl_"))
            fn += strlen("__fr_impl_");
        cut = clone_suffix(fn);
        return talloc_strndup(ctx, fn, cut ? (size_t)(cut - fn) : strlen(fn));
    }
    if (f->obj)
        return talloc_asprintf(ctx, "%s+?", base_of(f->obj));
    return talloc_strdup(ctx, "???");
}

/* Valgrind's own replacements (malloc, free, memcpy, ...), which sit on
 * top of the program's frames. */
static bool is_valgrinds(const struct fr_vg_frame *f)
{
    return f->obj && starts(base_of(f->obj), "vgpreload_");
}

char *fr__sig_of(void *ctx, const struct fr_vg_error *er)
{
    char *s = talloc_strdup(ctx, er->kind);
    unsigned taken = 0;
    bool program = false;

    for (size_t i = 0; s && i < er->nframes && taken < FR_SIG_FRAMES; i++) {
        const struct fr_vg_frame *f = &er->frames[i];
        char *name;

        /* A Fracture frame below the program's is a module boundary: what
         * lies past it is the caller's module, or a worker thread, and
         * differs with how a deployment composes its FMPs.  Above the
         * program's frames (an error in the runtime's copy of a buffer
         * the program passed) it is passed over. */
        if (fr__sig_frame_is_fracture(f)) {
            if (program)
                break;
            continue;
        }
        program |= !is_valgrinds(f);
        name = fr__sig_frame_name(s, f);
        s = name ? talloc_asprintf_append(s, " | %s", name) : NULL;
        taken++;
    }
    return s;
}

char *fr__sig_what(void *ctx, const struct fr_vg_error *er)
{
    const char *w = er->what ? er->what : "";
    const char *loss = strstr(w, " in loss record ");
    size_t n = loss ? (size_t)(loss - w) : strlen(w);
    char *out = talloc_size(ctx, n + 1), *o = out;

    if (!out)
        return NULL;
    for (size_t i = 0; i < n;) {
        if (w[i] == '0' && (w[i + 1] == 'x' || w[i + 1] == 'X') && i + 2 < n &&
            w[i + 2] && strchr("0123456789abcdefABCDEF", w[i + 2])) {
            i += 2;
            while (i < n && w[i] && strchr("0123456789abcdefABCDEF", w[i]))
                i++;
            /* an address says nothing across runs; "0x?" is no longer
             * than what it replaces */
            *o++ = '0';
            *o++ = 'x';
            *o++ = '?';
            continue;
        }
        *o++ = w[i++];
    }
    *o = '\0';
    return out;
}
