/*
 * cx.h - the small layer over libclang every other file uses: CXString
 * copied into talloc memory and disposed in one place (so that no path can
 * leak one), and source locations turned into fra_loc.
 */
#ifndef FRA_CX_H
#define FRA_CX_H

#include <clang-c/Index.h>
#include <stdbool.h>

#include "model.h"

/* fra_cx_take - a talloc copy of @s on @ctx (never NULL unless out of
 * memory; "" for a null CXString).  @s is disposed in every case. */
char *fra_cx_take(void *ctx, CXString s);

/* fra_cx_loc - where @loc expands, so that a call written through a macro
 * points at the macro's use in the user's file. */
struct fra_loc fra_cx_loc(void *ctx, CXSourceLocation loc);

static inline struct fra_loc fra_cx_cursor_loc(void *ctx, CXCursor c)
{
    return fra_cx_loc(ctx, clang_getCursorLocation(c));
}

/* fra_cx_within - whether @inner's location lies inside @outer's extent:
 * an attribute written on this declaration rather than inherited from an
 * earlier one. */
bool fra_cx_within(CXCursor inner, CXCursor outer);

/* fra_cx_spelling - the cursor's spelling (its name). */
static inline char *fra_cx_spelling(void *ctx, CXCursor c)
{
    return fra_cx_take(ctx, clang_getCursorSpelling(c));
}

/* Every child of a cursor, in order, in talloc memory on @ctx. */
struct fra_cx_children {
    CXCursor *v;
    unsigned n;
    void *ctx;
};

/* fra_cx_children - fill @ch (ch->ctx set by the caller) with the children
 * of @cur; on out of memory the list stops short. */
void fra_cx_children(CXCursor cur, struct fra_cx_children *ch);

/* fra_cx_key - the model's key of a declaration: its name, or "TU:name"
 * for internal linkage (distinct per file), talloc'd on @ctx. */
char *fra_cx_key(void *ctx, CXCursor cur, const char *tu);

#endif /* FRA_CX_H */
