/*
 * passes.h - the passes over a collected model, in the order main.c runs
 * them: merge (annotations agree), resolve (model.c), calls (who calls
 * whom across modules), infer (copy rules), check (the remaining rules).
 * Each adds its errors to the model and never stops at the first.
 */
#ifndef FRA_PASSES_H
#define FRA_PASSES_H

#include "model.h"

void fra_merge(struct fra_model *m);
void fra_calls(struct fra_model *m);
void fra_infer(struct fra_model *m);
void fra_check(struct fra_model *m);

/* fra_check_expr - report each identifier of @expr (from annotation @ann,
 * e.g. "FR_IN(len)") that is neither one of @siblings nor a file-scope name. */
void fra_check_expr(struct fra_model *m, const struct fra_loc *loc, const char *ann,
                    const char *expr, const char *const *siblings, size_t nsiblings,
                    const char *what);

#endif /* FRA_PASSES_H */
