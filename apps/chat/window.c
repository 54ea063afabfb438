/*
 * window.c - the client's windows (root): the list the UI switches
 * between, each window's nick list, and win_show, the one way a line
 * reaches a window: it goes to module scrollback, past the plugins (which
 * may mark it), and raises the window's activity if it is not in view.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client.h"
#include "format.h"
#include "scrollback.h"

int is_channel_name(const char *s)
{
    return *s == '#' || *s == '&' || *s == '+' || *s == '!';
}

struct window *win_find(struct client *c, const char *name, int *idx)
{
    for (int i = 0; i < c->nwin; i++)
        if (strcasecmp(c->win[i]->name, name) == 0) {
            if (idx)
                *idx = i;
            return c->win[i];
        }
    return NULL;
}

struct window *win_get(struct client *c, const char *name)
{
    struct window *w = win_find(c, name, NULL);

    if (w)
        return w;
    if (c->nwin == WIN_MAX)
        return NULL;
    w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->sb = c->next_sb++;
    snprintf(w->name, sizeof w->name, "%s", name);
    w->is_channel = is_channel_name(name);
    w->names_done = 1;
    c->win[c->nwin++] = w;
    c->dirty = 1;
    return w;
}

void win_close(struct client *c, int idx)
{
    if (idx <= 0 || idx >= c->nwin)   /* the status window stays */
        return;
    sb_drop(c->win[idx]->sb);
    free(c->win[idx]->nicks);
    free(c->win[idx]);
    memmove(&c->win[idx], &c->win[idx + 1], (size_t)(c->nwin - idx - 1) * sizeof c->win[0]);
    c->nwin--;
    if (c->cur >= idx && c->cur > 0)
        c->cur--;
    c->dirty = 1;
}

void win_free_all(struct client *c)
{
    for (int i = 0; i < c->nwin; i++) {
        free(c->win[i]->nicks);
        free(c->win[i]);
    }
    c->nwin = 0;
}

struct irc_name *win_nick_find(struct window *w, const char *nick)
{
    for (int i = 0; i < w->nnicks; i++)
        if (strcasecmp(w->nicks[i].nick, nick) == 0)
            return &w->nicks[i];
    return NULL;
}

void win_nick_add(struct window *w, const char *nick, char prefix)
{
    struct irc_name *n = win_nick_find(w, nick);

    if (n) {
        n->prefix = prefix;
        return;
    }
    if (w->nnicks == w->cap) {
        int cap = w->cap ? w->cap * 2 : 32;
        struct irc_name *p = realloc(w->nicks, (size_t)cap * sizeof *p);
        if (!p)
            return;
        w->nicks = p;
        w->cap = cap;
    }
    n = &w->nicks[w->nnicks++];
    n->prefix = prefix;
    snprintf(n->nick, sizeof n->nick, "%s", nick);
}

int win_nick_remove(struct window *w, const char *nick)
{
    struct irc_name *n = win_nick_find(w, nick);

    if (!n)
        return 0;
    memmove(n, n + 1, (size_t)(w->nicks + w->nnicks - n - 1) * sizeof *n);
    w->nnicks--;
    return 1;
}

int win_nick_rename(struct window *w, const char *from, const char *to)
{
    struct irc_name *n = win_nick_find(w, from);

    if (!n)
        return 0;
    snprintf(n->nick, sizeof n->nick, "%s", to);
    win_nick_sort(w);
    return 1;
}

static int rank(char prefix)
{
    return prefix == '~' ? 0 : prefix == '&' ? 1 : prefix == '@' ? 2 : prefix == '%' ? 3
         : prefix == '+' ? 4 : 5;
}

static int nick_cmp(const void *a, const void *b)
{
    const struct irc_name *x = a, *y = b;

    if (rank(x->prefix) != rank(y->prefix))
        return rank(x->prefix) - rank(y->prefix);
    return strcasecmp(x->nick, y->nick);
}

void win_nick_sort(struct window *w)
{
    if (w->nnicks > 1)
        qsort(w->nicks, (size_t)w->nnicks, sizeof *w->nicks, nick_cmp);
}

void win_show(struct client *c, struct window *w, const struct fmt_line *fl, const char *nick,
              const char *text, int pev_kind)
{
    struct plugin_event ev;
    int flags, level;

    memset(&ev, 0, sizeof ev);
    ev.kind = pev_kind;
    ev.when = (long long)time(NULL);
    snprintf(ev.window, sizeof ev.window, "%s", w->name);
    snprintf(ev.nick, sizeof ev.nick, "%s", nick ? nick : "");
    snprintf(ev.mynick, sizeof ev.mynick, "%s", c->nick);
    snprintf(ev.text, sizeof ev.text, "%s", text ? text : "");
    snprintf(ev.line, sizeof ev.line, "%s", fl->text);
    flags = plugins_event(&ev);
    sb_append(w->sb, fl->kind, !!(flags & PA_MARK), fl->text);
    if (flags & PA_BELL)
        ui_bell();
    level = flags & PA_MARK ? 3 : pev_kind == PEV_MESSAGE ? 2 : 1;
    if (c->win[c->cur] != w && level > w->activity)
        w->activity = level;
    c->dirty = 1;
}

void win_note(struct client *c, struct window *w, int kind, const char *fmt, ...)
{
    char text[TEXT_MAX];
    struct fmt_line fl;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    fmt_own(kind, c->nick, text, (long long)time(NULL), &fl);
    win_show(c, w, &fl, NULL, text, PEV_OTHER);
}
