/*
 * spec.h - spec files (--spec FILE.h): annotations for sources that stay
 * untouched (DESIGN, "Annotating code you do not own").
 *
 * parse.c puts every spec ahead of each translation unit (-include), so
 * its annotated prototypes are earlier declarations of the sources'
 * functions and merge.c makes the two agree as it does for any prototype.
 * What is the spec's own is here: FRACTURE_MODULE_FILES, which gives the
 * files it lists their module, and the checks that every file it lists
 * and every function it declares exists.
 */
#ifndef FRA_SPEC_H
#define FRA_SPEC_H

#include <stdbool.h>

#include "model.h"

/* fra_spec_add - remember @file (as given to --spec) so that locations in
 * it are known as the spec's.  Returns 0 or -ENOMEM. */
int fra_spec_add(struct fra_model *m, const char *file);

/* fra_spec_is_spec - whether @file (a location's file) is a spec file. */
bool fra_spec_is_spec(const struct fra_model *m, const char *file);

/* fra_spec_module_files - a FRACTURE_MODULE_FILES annotation @ann
 * ("NAME:CAPS:\"a.c\", \"b.c\"") at @loc, met while reading translation
 * unit @tu: recorded once per place, and when @tu is one of its files
 * (the same path, or a path ending in "/" and the listed one) *@module
 * gets "NAME:CAPS", talloc'd on @ctx, for collect.c to treat like a
 * FRACTURE_MODULE of @tu.  Returns 1 if @tu matched, 0 if not, -ENOMEM. */
int fra_spec_module_files(struct fra_model *m, void *ctx, const char *tu,
                          const struct fra_loc *loc, const char *ann, char **module);

/* fra_spec_check - after every translation unit: a file listed by
 * FRACTURE_MODULE_FILES that matched no source, and a function a spec
 * declares that no source defines (a misspelt name would otherwise leave
 * the real function unannotated), are errors at the spec's line. */
void fra_spec_check(struct fra_model *m);

#endif /* FRA_SPEC_H */
