/*
 * scrollback.c - module "scrollback": a ring of SB_KEEP lines per window,
 * allocated as a window first gets a line.  The UI draws from sb_page, so
 * the module is crossed on every redraw when it sits in another FMP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scrollback.h"

FRACTURE_MODULE(scrollback, 0);

#define SB_WINDOWS 256

struct ring {
    struct sb_line *lines; /* SB_KEEP, malloc'ed at the window's first line */
    int head;              /* the slot the next line goes to */
    int count;
};

static struct ring rings[SB_WINDOWS];

int sb_append(int win, int kind, int marked, const char *text)
{
    struct ring *r;
    struct sb_line *l;

    if (win < 0 || win >= SB_WINDOWS)
        return -EINVAL;
    r = &rings[win];
    if (!r->lines) {
        r->lines = calloc(SB_KEEP, sizeof *r->lines);
        if (!r->lines)
            return -ENOMEM;
    }
    l = &r->lines[r->head];
    l->kind = kind;
    l->marked = marked;
    strncpy(l->text, text, sizeof l->text - 1);
    l->text[sizeof l->text - 1] = '\0';
    r->head = (r->head + 1) % SB_KEEP;
    if (r->count < SB_KEEP)
        r->count++;
    return 0;
}

int sb_count(int win)
{
    return win >= 0 && win < SB_WINDOWS ? rings[win].count : 0;
}

int sb_page(int win, int skip, int n, struct sb_page *out)
{
    struct ring *r;
    int last, first;

    out->n = 0;
    if (win < 0 || win >= SB_WINDOWS || skip < 0 || n < 0)
        return -EINVAL;
    r = &rings[win];
    if (n > SB_PAGE_MAX)
        n = SB_PAGE_MAX;
    last = r->count - skip;            /* one past the newest line shown */
    if (last <= 0)
        return 0;
    first = last - n < 0 ? 0 : last - n;
    for (int i = first; i < last; i++) {
        /* line i counts from the oldest kept */
        int slot = (r->head - r->count + i + SB_KEEP) % SB_KEEP;
        out->line[out->n++] = r->lines[slot];
    }
    return out->n;
}

void sb_drop(int win)
{
    if (win < 0 || win >= SB_WINDOWS)
        return;
    free(rings[win].lines);
    memset(&rings[win], 0, sizeof rings[win]);
}
