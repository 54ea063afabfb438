/*
 * parse.c - libclang loading: the flags of each file, from the compilation
 * database (-p) or the command line, plus what the annotator always adds
 * (__FRACTURE_ANNOTATE__, the directory of fracture.h, every --spec as an
 * -include), then one translation unit at a time into collect.c.
 */
#include "parse.h"

#include <clang-c/CXCompilationDatabase.h>
#include <clang-c/Index.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <unistd.h>

#include "collect.h"
#include "cx.h"
#include "spec.h"

struct argv {
    void *ctx;
    const char **v;
    int n;
};

static int push(struct argv *a, const char *s)
{
    const char **v = talloc_realloc(a->ctx, a->v, const char *, a->n + 2);

    if (!v || !s)
        return -ENOMEM;
    a->v = v;
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
    return 0;
}

/* An -include FILE (or -imacros FILE) of a build directory: the compiler looks for FILE in its
 * working directory first, then along the #include "..." chain, so FILE
 * means DIR/FILE only where that file exists; a header found on the search
 * path (-include stddef.h) stays as written. */
static const char *include_file(void *ctx, const char *dir, const char *file)
{
    char *there;

    if (!dir || file[0] == '/')
        return file;
    there = talloc_asprintf(ctx, "%s/%s", dir, file);
    return there && access(there, F_OK) == 0 ? there : file;
}

/* Flags that make no sense or do harm when only parsing: output, -Werror
 * (a gcc-only warning must not stop the parse) and the source itself. */
static int push_filtered(struct argv *a, const char *const *args, int n, const char *dir)
{
    static const char *const path_opts[] = {"-I", "-isystem", "-iquote", "-idirafter"};
    static const char *const file_opts[] = {"-include", "-imacros"};

    for (int i = 0; i < n; i++) {
        const char *s = args[i];
        int rc = 0;

        if (strcmp(s, "-o") == 0 || strcmp(s, "-MF") == 0 || strcmp(s, "-MT") == 0 ||
            strcmp(s, "-MQ") == 0) {
            i++;
            continue;
        }
        if (strcmp(s, "-c") == 0 || strncmp(s, "-Werror", 7) == 0 || strcmp(s, "-MD") == 0 ||
            strcmp(s, "-MMD") == 0 || (s[0] != '-' && strlen(s) > 2 &&
                                      strcmp(s + strlen(s) - 2, ".c") == 0))
            continue;
        for (size_t k = 0; k < sizeof file_opts / sizeof *file_opts; k++) {
            size_t len = strlen(file_opts[k]);
            if (strncmp(s, file_opts[k], len) != 0 || s[len] == '-' || (!s[len] && i + 1 >= n))
                continue;
            const char *file = s[len] ? s + len : args[++i];
            rc = push(a, file_opts[k]);
            if (rc == 0)
                rc = push(a, include_file(a->ctx, dir, file));
            goto next;
        }
        /* A build directory's relative include directories mean that
         * directory, joined (-Idir) or separate (-I dir); -isystem-after and
         * the like are other options. */
        for (size_t k = 0; dir && k < sizeof path_opts / sizeof *path_opts; k++) {
            size_t len = strlen(path_opts[k]);
            if (strncmp(s, path_opts[k], len) != 0)
                continue;
            if (s[len] == '\0' && i + 1 < n && args[i + 1][0] != '/') {
                rc = push(a, s);
                if (rc == 0)
                    rc = push(a, talloc_asprintf(a->ctx, "%s/%s", dir, args[++i]));
                goto next;
            }
            if (s[len] && s[len] != '/' && s[len] != '-') {
                rc = push(a, talloc_asprintf(a->ctx, "%s%s/%s", path_opts[k], dir, s + len));
                goto next;
            }
        }
        rc = push(a, s);
next:
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int db_args(struct fra_model *m, CXCompilationDatabase db, const char *file,
                   struct argv *a)
{
    char real[PATH_MAX];
    CXCompileCommands cmds;
    CXCompileCommand cmd;
    const char **args;
    char *dir;
    unsigned n;
    int rc = 0;

    if (!realpath(file, real)) {
        struct fra_loc loc = {file, 0, 0};
        fra_model_error(m, &loc, NULL, "cannot open: %s", strerror(errno));
        return -ENOENT;
    }
    cmds = clang_CompilationDatabase_getCompileCommands(db, real);
    if (!cmds || clang_CompileCommands_getSize(cmds) == 0) {
        struct fra_loc loc = {file, 0, 0};
        fra_model_error(m, &loc, "build it once with CMAKE_EXPORT_COMPILE_COMMANDS=ON, or "
                                 "give the flags after --",
                        "no compile command for this file in the compilation database");
        rc = -ENOENT;
        goto out;
    }
    cmd = clang_CompileCommands_getCommand(cmds, 0);
    n = clang_CompileCommand_getNumArgs(cmd);
    dir = fra_cx_take(a->ctx, clang_CompileCommand_getDirectory(cmd));
    args = talloc_array(a->ctx, const char *, n + 1);
    if (!args || !dir) {
        rc = -ENOMEM;
        goto out;
    }
    for (unsigned i = 0; i < n; i++)
        args[i] = fra_cx_take(args, clang_CompileCommand_getArg(cmd, i));
    /* args[0] is the compiler. */
    rc = n > 0 ? push_filtered(a, args + 1, (int)n - 1, dir) : 0;
out:
    clang_CompileCommands_dispose(cmds);
    return rc;
}

/* Every file the translation unit read, for --depfile. */
static void add_dep(CXFile file, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
    struct fra_model *m = data;
    char *name = fra_cx_take(m->ctx, clang_getFileName(file));
    char **d;

    char *abs;

    (void)stack;
    (void)depth;
    if (!name)
        return;
    /* A build tool reads the rule from its own directory, not ours. */
    abs = realpath(name, NULL);
    if (abs) {
        talloc_free(name);
        name = talloc_strdup(m->ctx, abs);
        free(abs);
        if (!name)
            return;
    }
    for (size_t i = 0; i < m->ndeps; i++)
        if (strcmp(m->deps[i], name) == 0) {
            talloc_free(name);
            return;
        }
    d = talloc_realloc(m->ctx, m->deps, char *, m->ndeps + 1);
    if (!d)
        return;
    m->deps = d;
    d[m->ndeps++] = name;
}

static int parse_one(struct fra_model *m, const struct fra_opts *o, CXIndex idx,
                     CXCompilationDatabase db, const char *file)
{
    struct argv a = {talloc_new(NULL), NULL, 0};
    CXTranslationUnit tu = NULL;
    enum CXErrorCode ec;
    int rc = 0;

    if (access(file, R_OK) != 0) {
        struct fra_loc loc = {file, 0, 0};
        fra_model_error(m, &loc, NULL, "cannot open: %s", strerror(errno));
        goto out;
    }
    if (db)
        rc = db_args(m, db, file, &a);
    else
        rc = push_filtered(&a, (const char *const *)o->flags, (int)o->nflags, NULL);
    if (rc == -ENOENT) {
        rc = 0;
        goto out;
    }
    if (rc < 0)
        goto out;
    if (push(&a, "-D__FRACTURE_ANNOTATE__") < 0 ||
        push(&a, talloc_asprintf(a.ctx, "-I%s", o->include_dir)) < 0 ||
        push(&a, talloc_asprintf(a.ctx, "-I%s/fracture", o->include_dir)) < 0 ||
        push(&a, "-Wno-unknown-warning-option") < 0 ||
        push(&a, "-Wno-unused-command-line-argument") < 0) {
        rc = -ENOMEM;
        goto out;
    }
    /* A spec's prototypes come before the file's own declarations, as a
     * header would, so that merge.c makes the two agree (spec.h). */
    for (size_t i = 0; i < o->nspecs; i++)
        if (push(&a, "-include") < 0 || push(&a, o->specs[i]) < 0) {
            rc = -ENOMEM;
            goto out;
        }
    ec = clang_parseTranslationUnit2(idx, file, a.v, a.n, NULL, 0,
                                     CXTranslationUnit_DetailedPreprocessingRecord |
                                         CXTranslationUnit_KeepGoing,
                                     &tu);
    if (ec != CXError_Success || !tu) {
        struct fra_loc loc = {file, 0, 0};
        fra_model_error(m, &loc, NULL, "libclang could not parse this file (error %d)",
                        (int)ec);
        goto out;
    }
    rc = fra_collect(m, tu, file);
    if (rc == 0)
        clang_getInclusions(tu, add_dep, m);
out:
    if (tu)
        clang_disposeTranslationUnit(tu);
    talloc_free(a.ctx);
    return rc;
}

int fra_parse(struct fra_model *m, const struct fra_opts *o)
{
    CXCompilationDatabase db = NULL;
    CXIndex idx;
    int rc = 0;

    if (o->build_dir) {
        CXCompilationDatabase_Error err;
        db = clang_CompilationDatabase_fromDirectory(o->build_dir, &err);
        if (err != CXCompilationDatabase_NoError || !db) {
            struct fra_loc loc = {o->build_dir, 0, 0};
            fra_model_error(m, &loc, "configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                            "cannot load compile_commands.json");
            if (db)
                clang_CompilationDatabase_dispose(db);
            return 0;
        }
    }
    for (size_t i = 0; i < o->nspecs; i++) {
        if (access(o->specs[i], R_OK) != 0) {
            struct fra_loc loc = {o->specs[i], 0, 0};
            fra_model_error(m, &loc, NULL, "cannot open: %s", strerror(errno));
            rc = -ENOENT;
        } else if (fra_spec_add(m, o->specs[i]) < 0) {
            return -ENOMEM;
        }
    }
    /* Without its spec no file would be read as it is meant. */
    if (rc == -ENOENT)
        goto out_db;
    idx = clang_createIndex(0, 0);
    for (size_t i = 0; i < o->nfiles && rc == 0; i++)
        rc = parse_one(m, o, idx, db, o->files[i]);
    clang_disposeIndex(idx);
out_db:
    if (db)
        clang_CompilationDatabase_dispose(db);
    return rc == -ENOENT ? 0 : rc;
}
