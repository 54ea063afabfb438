/*
 * gen.h - the code generator of fracture-annotate: from a checked model,
 * one rewritten copy of every input file and fracture_app.c.
 *
 * How a fractured file is made (rewrite.c):
 *   - a function that is called from another module, or whose address
 *     crosses modules, keeps its name and body: its definition is the
 *     implementation, untouched (so __func__, recursion and calls inside
 *     its module stay as they were);
 *   - its caller stub __fr_stub_NAME, dispatcher and table entry are
 *     appended to the file that defines it (emit.c), where its static
 *     functions and exact types are in scope;
 *   - every reference from another module becomes a reference to the stub:
 *     in a file that does not define the function, one
 *     "#define NAME __fr_stub_NAME" ahead of the file renames them all
 *     (header prototypes included, so the stub is declared with the
 *     function's own type); in the file that defines it, the name token of
 *     each such call is rewritten, after a "__typeof__(NAME) __fr_stub_NAME;"
 *     declaration;
 *   - main() becomes __fr_user_main, called by fr_main() (table.c).
 * "#line" keeps every diagnostic, __FILE__ and debug line on the original.
 */
#ifndef FRA_GEN_H
#define FRA_GEN_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

struct fra_gen {
    struct fra_model *m;
    void *ctx;
    const char *outdir;
    const char *app;          /* the app's name, for the table */
    struct fra_func **fns;    /* functions with stubs, in table order */
    size_t nfns;
    int err;                  /* negative errno of the tool itself */
};

/* fra_generate - write OUTDIR/<file> for every translation unit and
 * OUTDIR/fracture_app.c.  Errors in the sources become model errors (the
 * caller reports them); returns 0 or a negative errno of the tool. */
int fra_generate(struct fra_model *m, const char *outdir, const char *app);

/* The output path of translation unit @tu under @outdir: "./" and "/" at
 * the front dropped, each ".." component replaced by "__". */
char *fra_gen_outpath(void *ctx, const char *outdir, const char *tu);

/* Index of a module, of a function in the table (-1 if it has no stub). */
unsigned fra_gen_module(const struct fra_gen *g, const char *module);
int fra_gen_fn_index(const struct fra_gen *g, const struct fra_func *f);

/* The C identifier part naming @f in generated symbols: its name, or the
 * file and name for a static function. */
char *fra_gen_mangle(void *ctx, const struct fra_func *f);

/* The caller stub's name: __fr_stub_NAME, or with the file for a static
 * function (so that two files' static functions never clash). */
char *fra_gen_stub_name(void *ctx, const struct fra_func *f);

/* emit.c: append to @out (talloc string) the stubs, dispatchers, record
 * helpers and table entries of the functions @tu defines. */
int fra_emit_tu(struct fra_gen *g, const char *tu, char **out);

/* table.c: the text of fracture_app.c. */
char *fra_emit_table(struct fra_gen *g, void *ctx);

/* Write @len bytes to @path unless it already holds exactly them (so that
 * an unchanged output keeps its mtime and is not rebuilt); makes parent
 * directories.  Returns 0 or a negative errno. */
int fra_write_if_changed(const char *path, const char *data, size_t len);

#endif /* FRA_GEN_H */
