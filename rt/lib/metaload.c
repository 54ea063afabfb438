/*
 * metaload.c - loading the meta-applications a deployment names (`meta:`,
 * fracture/hook.h) into the FMPs it names.  The root loads its own from
 * the config before main(); a child gets its list in FRACTURE_META (never
 * the config, as with the plan) and loads it before it serves a call, so
 * that its hooks see every call.  A shared object that cannot be loaded,
 * lacks the entry point or whose entry point fails stops the program at
 * start, with the config's file:line:col: a deployment that asked for a
 * hook never runs without it.
 *
 * The shared object is never unloaded: its hooks may run until the end.
 */
#include "metaload.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>

#include <fracture/hook.h>

static int names(const struct fr_meta_conf *mc, const char *fmp, int root)
{
    for (size_t j = 0; j < mc->nfmps; j++)
        if (strcmp(mc->fmps[j], fmp) == 0 || (root && strcmp(mc->fmps[j], "root") == 0))
            return 1;
    return 0;
}

char *fr__meta_env(void *ctx, const struct fr_config *cfg, const char *fmp, int root, int *oom)
{
    char *v = NULL;

    *oom = 0;
    for (size_t i = 0; i < cfg->nmetas; i++) {
        const struct fr_meta_conf *mc = &cfg->metas[i];

        if (!mc->path || !names(mc, fmp, root))
            continue;
        v = v ? talloc_asprintf_append(v, "%s\t%s\t%s:%u:%u\n", mc->path,
                                       mc->args ? mc->args : "", cfg->file, mc->so_pos.line,
                                       mc->so_pos.col)
              : talloc_asprintf(ctx, "%s\t%s\t%s:%u:%u\n", mc->path, mc->args ? mc->args : "",
                                cfg->file, mc->so_pos.line, mc->so_pos.col);
        if (!v) {
            *oom = 1;
            return NULL;
        }
    }
    return v;
}

/* Load one: @path with @args, @where the config's place of it. */
static int load_one(const char *path, const char *args, const char *where, const char *fmp)
{
    fr_meta_init_fn init;
    void *h;
    int rc;

    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "fracture: error: %s: FMP '%s' cannot load meta-application %s: %s\n"
                "  hint: build it as a shared object (cc -shared -fPIC ...) against this "
                "libfracture, and check the path in meta: (a relative one is taken from the "
                "config's directory)\n", where, fmp, path, dlerror());
        return -EINVAL;
    }
    *(void **)&init = dlsym(h, FR_META_INIT);
    if (!init) {
        fprintf(stderr, "fracture: error: %s: meta-application %s has no entry point "
                "%s()\n  hint: define `int %s(const char *args)` in it, not static and with "
                "default visibility; it registers the hooks (fracture/hook.h)\n", where, path,
                FR_META_INIT, FR_META_INIT);
        return -EINVAL;
    }
    rc = init(args);
    if (rc != 0) {
        fprintf(stderr, "fracture: error: %s: %s() of meta-application %s failed in FMP "
                "'%s': %s\n  hint: its args were \"%s\"; see its documentation for what it "
                "takes\n", where, FR_META_INIT, path, fmp,
                rc < 0 && rc > -4096 ? strerror(-rc) : "it returned a value other than 0", args);
        return -EINVAL;
    }
    return 0;
}

int fr__meta_load(const char *value, const char *fmp)
{
    char *copy, *line, *save = NULL;
    int rc = 0;

    if (!value || !*value)
        return 0;
    copy = strdup(value);
    if (!copy) {
        fprintf(stderr, "fracture: error: out of memory loading the meta-applications\n");
        return -EINVAL;
    }
    for (line = strtok_r(copy, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
        char *args = strchr(line, '\t'), *where = args ? strchr(args + 1, '\t') : NULL;

        if (!where) {
            fprintf(stderr, "fracture: error: FRACTURE_META is malformed (it is set by the root "
                    "FMP, not by hand)\n");
            rc = -EINVAL;
            break;
        }
        *args++ = '\0';
        *where++ = '\0';
        rc = load_one(line, args, where, fmp);
    }
    free(copy);
    return rc;
}
