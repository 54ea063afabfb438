/*
 * cx.c - CXString and source location helpers (cx.h).
 */
#include "cx.h"

#include <string.h>
#include <talloc.h>

char *fra_cx_take(void *ctx, CXString s)
{
    const char *c = clang_getCString(s);
    char *copy = talloc_strdup(ctx, c ? c : "");

    clang_disposeString(s);
    return copy;
}

struct fra_loc fra_cx_loc(void *ctx, CXSourceLocation loc)
{
    struct fra_loc l = {NULL, 0, 0};
    CXFile file = NULL;
    unsigned off;

    clang_getExpansionLocation(loc, &file, &l.line, &l.col, &off);
    if (file) {
        char *name = fra_cx_take(ctx, clang_getFileName(file));
        /* clang joins "./" to headers found next to a relative main file */
        while (name && strncmp(name, "./", 2) == 0)
            memmove(name, name + 2, strlen(name + 2) + 1);
        l.file = name;
    }
    return l;
}

bool fra_cx_within(CXCursor inner, CXCursor outer)
{
    CXSourceRange r = clang_getCursorExtent(outer);
    CXFile fi, fs, fe;
    unsigned oi, os, oe;

    clang_getExpansionLocation(clang_getCursorLocation(inner), &fi, NULL, NULL, &oi);
    clang_getExpansionLocation(clang_getRangeStart(r), &fs, NULL, NULL, &os);
    clang_getExpansionLocation(clang_getRangeEnd(r), &fe, NULL, NULL, &oe);
    return fi && fs && clang_File_isEqual(fi, fs) && oi >= os && oi <= oe;
}

char *fra_cx_key(void *ctx, CXCursor cur, const char *tu)
{
    char *name = fra_cx_spelling(ctx, cur);

    if (name && clang_getCursorLinkage(cur) == CXLinkage_Internal)
        return talloc_asprintf(ctx, "%s:%s", tu, name);
    return name;
}

static enum CXChildVisitResult child_visit(CXCursor cur, CXCursor parent, CXClientData data)
{
    struct fra_cx_children *ch = data;
    CXCursor *v = talloc_realloc(ch->ctx, ch->v, CXCursor, ch->n + 1);

    (void)parent;
    if (!v)
        return CXChildVisit_Break;
    ch->v = v;
    ch->v[ch->n++] = cur;
    return CXChildVisit_Continue;
}

void fra_cx_children(CXCursor cur, struct fra_cx_children *ch)
{
    clang_visitChildren(cur, child_visit, ch);
}
