/*
 * collect.h - copy the facts of one parsed translation unit into the model.
 */
#ifndef FRA_COLLECT_H
#define FRA_COLLECT_H

#include <clang-c/Index.h>

#include "model.h"

/* fra_collect - read @tu, whose main file is @file as named on the command
 * line.  clang's own errors become model errors.  Returns 0 or -ENOMEM. */
int fra_collect(struct fra_model *m, CXTranslationUnit tu, const char *file);

#endif /* FRA_COLLECT_H */
