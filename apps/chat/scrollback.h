/*
 * scrollback.h - module "scrollback": the lines each window has shown, kept
 * out of the UI's process so that a window can be redrawn from them.  It
 * holds state of its own (the lines), so it is not restartable: a restart
 * would come back empty.
 */
#ifndef CHAT_SCROLLBACK_H
#define CHAT_SCROLLBACK_H

#include "chat.h"

#define SB_KEEP 2000       /* lines kept per window; older ones go */
#define SB_PAGE_MAX 64     /* lines one sb_page call returns at most */

/* A line as stored: its kind, whether a plugin marked it (a highlight). */
struct sb_line {
    int kind;
    int marked;
    char text[TEXT_MAX];
};

struct sb_page {
    int n;                 /* lines in line[], oldest first */
    struct sb_line line[SB_PAGE_MAX];
};

/* Appends a line to window win (any id >= 0; a new id starts empty).
 * Returns 0, -EINVAL for a bad id, -ENOMEM. */
int sb_append(int win, int kind, int marked, const char *text);
/* Lines in window win. */
int sb_count(int win);
/* The n (at most SB_PAGE_MAX) lines of window win that end skip lines
 * before its newest, into *out.  Returns how many, or -EINVAL. */
int sb_page(int win, int skip, int n, FR_OUT(1) struct sb_page *out);
/* Forgets window win's lines (the window was closed). */
void sb_drop(int win);

#endif
