/*
 * ui.c - the terminal UI (root), in ncurses: a topic bar, the current
 * window's lines (from module scrollback) beside its nick list, a status
 * line (nick, server, window, activity) and the input line with history
 * and nick completion.  Drawn whole after each batch of events; ncurses
 * sends the terminal only what changed.
 */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client.h"
#include "scrollback.h"

#define NICKLIST_W 16

int ui_start(void)
{
    if (!initscr())
        return -1;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    if (has_colors()) {
        start_color();
        use_default_colors();
        init_pair(1, COLOR_CYAN, -1);     /* events */
        init_pair(2, COLOR_RED, -1);      /* errors */
        init_pair(3, COLOR_MAGENTA, -1);  /* actions */
        init_pair(4, COLOR_YELLOW, -1);   /* highlights */
    }
    return 0;
}

void ui_stop(void)
{
    endwin();
}

void ui_bell(void)
{
    beep();
}

static int attr_of(const struct sb_line *l)
{
    if (l->marked)
        return A_BOLD | COLOR_PAIR(4);
    switch (l->kind) {
    case LINE_EVENT:
        return COLOR_PAIR(1);
    case LINE_ERROR:
        return COLOR_PAIR(2);
    case LINE_ACTION:
        return COLOR_PAIR(3);
    default:
        return A_NORMAL;
    }
}

/* Rows line l takes at width w, its marker included. */
static int rows_of(const struct sb_line *l, int w)
{
    int n = (int)strlen(l->text) + (l->marked ? 3 : 0);

    return n == 0 ? 1 : (n + w - 1) / w;
}

static void draw_lines(struct client *c, struct window *win, int top, int height, int width)
{
    struct sb_page *page = malloc(sizeof *page);
    int want = height < SB_PAGE_MAX ? height : SB_PAGE_MAX, row = top + height;

    if (!page)
        return;
    if (win->scroll > sb_count(win->sb) - 1)
        win->scroll = sb_count(win->sb) > 0 ? sb_count(win->sb) - 1 : 0;
    sb_page(win->sb, win->scroll, want, page);
    for (int i = page->n - 1; i >= 0 && row > top; i--) {
        const struct sb_line *l = &page->line[i];
        char buf[TEXT_MAX + 4];
        int rows = rows_of(l, width), len;

        snprintf(buf, sizeof buf, "%s%s", l->marked ? ">> " : "", l->text);
        len = (int)strlen(buf);
        attrset(attr_of(l));
        for (int r = rows - 1; r >= 0; r--) {
            row--;
            if (row < top)
                break;
            if (r * width < len)
                mvaddnstr(row, 0, buf + r * width, width);
        }
        attrset(A_NORMAL);
    }
    free(page);
    (void)c;
}

static void draw_nicks(struct window *w, int top, int height, int x)
{
    for (int r = 0; r < height; r++)
        mvaddch(top + r, x - 1, '|');
    for (int i = 0; i < w->nnicks && i < height; i++) {
        char buf[NICK_MAX + 2];
        snprintf(buf, sizeof buf, "%c%s", w->nicks[i].prefix ? w->nicks[i].prefix : ' ',
                 w->nicks[i].nick);
        mvaddnstr(top + i, x, buf, NICKLIST_W - 1);
    }
    if (w->nnicks > height && height > 0)
        mvprintw(top + height - 1, x, "(+%d more)", w->nnicks - height + 1);
}

static void draw_status(struct client *c, int row)
{
    char buf[512], act[256] = "";
    size_t n = 0;
    struct window *w = c->win[c->cur];

    for (int i = 0; i < c->nwin && n + 8 < sizeof act; i++)
        if (c->win[i]->activity)
            n += (size_t)snprintf(act + n, sizeof act - n, "%s%d%s", n ? "," : "", i + 1,
                                  c->win[i]->activity == 3 ? "!" : "");
    /* a status line longer than buf is cut, as the screen would cut it */
    int len = snprintf(buf, sizeof buf, "[%s%s] [%s:%s] [%d:%s]%s%s%s%s", c->nick,
                       c->registered ? "" : " (registering)", c->opt.server, c->opt.port,
                       c->cur + 1, w->name, act[0] ? " [Act: " : "", act, act[0] ? "]" : "",
                       c->fd < 0 ? " [disconnected]" : w->scroll ? " [more below]" : "");
    (void)len;
    attron(A_REVERSE);
    mvhline(row, 0, ' ', COLS);
    mvaddnstr(row, 0, buf, COLS);
    attroff(A_REVERSE);
}

void ui_draw(struct client *c)
{
    struct window *w = c->win[c->cur];
    int height = LINES - 3, width = COLS;
    char prompt[NICK_MAX + 4];
    int plen, off;

    erase();
    attron(A_REVERSE);
    mvhline(0, 0, ' ', COLS);
    if (w->is_channel)
        mvprintw(0, 0, " %s: %.*s", w->name, COLS > 40 ? COLS - 20 : 20, w->topic);
    else
        mvprintw(0, 0, " %s", c->cur == 0 ? "fracture-chat: status" : w->name);
    attroff(A_REVERSE);
    if (height < 1)
        height = 1;
    if (w->is_channel && COLS > NICKLIST_W * 2) {
        width = COLS - NICKLIST_W - 1;
        draw_nicks(w, 1, height, width + 1);
    }
    draw_lines(c, w, 1, height, width);
    draw_status(c, LINES - 2);
    snprintf(prompt, sizeof prompt, "[%s] ", w->name);
    plen = (int)strlen(prompt);
    mvaddstr(LINES - 1, 0, prompt);
    /* Keep the cursor in view on a line longer than the screen. */
    off = c->icur > COLS - plen - 1 ? c->icur - (COLS - plen - 1) : 0;
    mvaddnstr(LINES - 1, plen, c->input + off, COLS - plen);
    move(LINES - 1, plen + c->icur - off);
    refresh();
    c->dirty = 0;
}

static void history_add(struct client *c, const char *s)
{
    if (c->nhist == HISTORY_MAX) {
        memmove(c->history[0], c->history[1], sizeof c->history[0] * (HISTORY_MAX - 1));
        c->nhist--;
    }
    snprintf(c->history[c->nhist++], sizeof c->history[0], "%s", s);
}

static void set_input(struct client *c, const char *s)
{
    snprintf(c->input, sizeof c->input, "%s", s);
    c->ilen = c->icur = (int)strlen(c->input);
}

static void insert(struct client *c, const char *s)
{
    int n = (int)strlen(s);

    if (c->ilen + n >= (int)sizeof c->input)
        return;
    memmove(c->input + c->icur + n, c->input + c->icur, (size_t)(c->ilen - c->icur + 1));
    memcpy(c->input + c->icur, s, (size_t)n);
    c->ilen += n;
    c->icur += n;
}

/* Tab: the word before the cursor completed from the window's nick list
 * (a second Tab on a completed word goes on to the next match). */
static void complete(struct client *c)
{
    struct window *w = c->win[c->cur];
    int start = c->icur, n;
    char prefix[NICK_MAX];

    while (start > 0 && c->input[start - 1] != ' ')
        start--;
    n = c->icur - start;
    if (n == 0 || n >= (int)sizeof prefix)
        return;
    memcpy(prefix, c->input + start, (size_t)n);
    prefix[n] = '\0';
    for (int i = 0; i < w->nnicks; i++) {
        const char *nick = w->nicks[i].nick;
        if (strncasecmp(nick, prefix, (size_t)n) == 0 && strcasecmp(nick, c->nick) != 0) {
            memmove(c->input + start, c->input + c->icur, (size_t)(c->ilen - c->icur + 1));
            c->ilen -= n;
            c->icur = start;
            insert(c, nick);
            insert(c, start == 0 ? ": " : " ");
            return;
        }
    }
    if (!w->is_channel && strncasecmp(w->name, prefix, (size_t)n) == 0 && c->cur) {
        memmove(c->input + start, c->input + c->icur, (size_t)(c->ilen - c->icur + 1));
        c->ilen -= n;
        c->icur = start;
        insert(c, w->name);
        insert(c, " ");
    }
}

static void switch_to(struct client *c, int idx)
{
    if (idx < 0 || idx >= c->nwin)
        return;
    c->cur = idx;
    c->win[idx]->activity = 0;
}

static void key(struct client *c, int k)
{
    struct window *w = c->win[c->cur];
    int page = (LINES - 3) / 2 > 0 ? (LINES - 3) / 2 : 1;

    switch (k) {
    case KEY_ENTER:
    case '\r':
    case '\n': {
        char line[TEXT_MAX];
        snprintf(line, sizeof line, "%s", c->input);
        if (line[0])
            history_add(c, line);
        c->hpos = c->nhist;
        set_input(c, "");
        w->scroll = 0;
        session_input(c, line);
        break;
    }
    case KEY_BACKSPACE:
    case 127:
    case 8:
        if (c->icur > 0) {
            memmove(c->input + c->icur - 1, c->input + c->icur, (size_t)(c->ilen - c->icur + 1));
            c->icur--;
            c->ilen--;
        }
        break;
    case KEY_DC:
        if (c->icur < c->ilen) {
            memmove(c->input + c->icur, c->input + c->icur + 1, (size_t)(c->ilen - c->icur));
            c->ilen--;
        }
        break;
    case KEY_LEFT:
        if (c->icur > 0)
            c->icur--;
        break;
    case KEY_RIGHT:
        if (c->icur < c->ilen)
            c->icur++;
        break;
    case KEY_HOME:
    case 1:
        c->icur = 0;
        break;
    case KEY_END:
    case 5:
        c->icur = c->ilen;
        break;
    case 21:   /* Ctrl-U */
        set_input(c, "");
        break;
    case KEY_UP:
        if (c->hpos > 0)
            set_input(c, c->history[--c->hpos]);
        break;
    case KEY_DOWN:
        if (c->hpos < c->nhist - 1)
            set_input(c, c->history[++c->hpos]);
        else {
            c->hpos = c->nhist;
            set_input(c, "");
        }
        break;
    case KEY_PPAGE:
        w->scroll += page;
        break;
    case KEY_NPAGE:
        w->scroll = w->scroll > page ? w->scroll - page : 0;
        break;
    case '\t':
        complete(c);
        break;
    case 14:   /* Ctrl-N */
        switch_to(c, (c->cur + 1) % c->nwin);
        break;
    case 16:   /* Ctrl-P */
        switch_to(c, (c->cur + c->nwin - 1) % c->nwin);
        break;
    case 12:   /* Ctrl-L */
        clearok(curscr, TRUE);
        break;
    case KEY_RESIZE:
        break;
    case 27: { /* Alt-N arrives as ESC N */
        int k2 = getch();
        if (k2 >= '1' && k2 <= '9')
            switch_to(c, k2 - '1');
        else if (k2 == '0')
            switch_to(c, 9);
        break;
    }
    default:
        if (k >= 32 && k < 256) {
            char s[2] = {(char)k, 0};
            insert(c, s);
        }
        break;
    }
    c->dirty = 1;
}

void ui_keys(struct client *c)
{
    int k;

    while (!c->quit && (k = getch()) != ERR)
        key(c, k);
}
