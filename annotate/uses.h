/*
 * uses.h - what a function's body does with its parameters: indexed,
 * advanced, handed on to another function, stored beyond the call.  The
 * facts land in each parameter's fra_facts; infer.c judges them once every
 * file is read (a handoff may name a function defined in a later file).
 */
#ifndef FRA_USES_H
#define FRA_USES_H

#include <clang-c/Index.h>

#include "model.h"

/* fra_uses - walk the body of definition @fn and fill f->params[i].facts.
 * Memory hangs off @f.  Returns 0 or -ENOMEM. */
int fra_uses(struct fra_model *m, struct fra_func *f, CXCursor fn, const char *tu);

#endif /* FRA_USES_H */
