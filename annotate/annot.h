/*
 * annot.h - the text of annotations: what the fracture.h macros leave in
 * __attribute__((annotate("fracture:..."))), turned back into caps masks,
 * macro spellings for messages, and the names a size expression uses.
 */
#ifndef FRA_ANNOT_H
#define FRA_ANNOT_H

#include <stddef.h>

/* fra_caps_parse - "FR_RESTARTABLE | FR_SAMPLABLE", "0" -> mask.  Returns 0,
 * or -EINVAL with *bad set to the first unknown word (talloc'd on @ctx). */
int fra_caps_parse(void *ctx, const char *text, unsigned *mask, char **bad);

/* fra_ann_macro - "in:len" -> "FR_IN(len)", as the user wrote it. */
char *fra_ann_macro(void *ctx, const char *ann);

/* fra_anns_macros - every annotation of a set, joined by spaces. */
struct fra_anns;
char *fra_anns_macros(void *ctx, const struct fra_anns *a);

/* fra_expr_idents - the identifiers of a C expression that must name
 * something: keywords, tags after struct/union/enum, member names after
 * . and ->, and callees are left out.  Returns 0 or -ENOMEM. */
int fra_expr_idents(void *ctx, const char *expr, char ***out, size_t *n);

/* fra_expr_subst - @expr with @prefix put before each identifier that is one
 * of @names ("n * 2", {"n"}, "e->" -> "e->n * 2").  NULL when out of memory. */
char *fra_expr_subst(void *ctx, const char *expr, const char *const *names, size_t n,
                     const char *prefix);

#endif /* FRA_ANNOT_H */
