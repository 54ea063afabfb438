/*
 * parse.h - run libclang over every input file with its real compile flags
 * (a compilation database or the flags after "--") and collect the model.
 */
#ifndef FRA_PARSE_H
#define FRA_PARSE_H

#include <stddef.h>

#include "model.h"

struct fra_opts {
    const char *build_dir;    /* -p: compile_commands.json lives here */
    const char *include_dir;  /* holds fracture/fracture.h */
    const char *manifest;
    char **files;
    size_t nfiles;
    char **flags;             /* after "--" */
    size_t nflags;
    char **specs;             /* --spec: read ahead of every file */
    size_t nspecs;
};

/* fra_parse - parse every file of @o into @m.  A file that cannot be read
 * or has no compile command becomes an error of the model.  Returns 0 or
 * a negative errno for failures of the tool itself. */
int fra_parse(struct fra_model *m, const struct fra_opts *o);

#endif /* FRA_PARSE_H */
