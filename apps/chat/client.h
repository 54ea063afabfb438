/*
 * client.h - the client's state, held by the root (module main): the
 * options, the connection, the windows and their nick lists, the input
 * line.  Only the root's files see it; the modules get copies of what a
 * call needs.
 */
#ifndef CHAT_CLIENT_H
#define CHAT_CLIENT_H

#include "chat.h"
#include "plugin.h"

#define WIN_MAX 64
#define HISTORY_MAX 100
#define CHANNELS_MAX 16

struct window {
    int sb;                /* its id in module scrollback; never reused */
    char name[NICK_MAX];   /* "status", "#chan" or a nick (a query) */
    int is_channel;
    int joined;
    char topic[TEXT_MAX];
    int nnicks;
    int cap;
    struct irc_name *nicks;   /* malloc'ed, sorted: ops, voiced, others */
    int names_done;        /* the last 353 batch ended (366): the next replaces it */
    int activity;          /* 0, 1 events, 2 messages, 3 a highlight */
    int scroll;            /* lines scrolled back from the newest */
};

struct options {
    char server[256];
    char port[16];
    char nick[NICK_MAX];
    char alt_nick[NICK_MAX];
    char user[NICK_MAX];
    char realname[128];
    char pass[128];
    char log_dir[1024];
    char highlight[1024];
    int nchannels;
    char channels[CHANNELS_MAX][NICK_MAX];
};

struct client {
    struct options opt;
    int fd;                /* the server; -1 when not connected */
    char inbuf[IRC_LINE_MAX * 2];
    size_t inlen;
    int discarding;        /* the rest of an over-long line is being dropped */
    int registered;        /* 001 came */
    int nick_tries;
    char nick[NICK_MAX];
    struct window *win[WIN_MAX];
    int nwin;
    int cur;
    int next_sb;
    char input[TEXT_MAX];
    int ilen, icur;
    char history[HISTORY_MAX][TEXT_MAX];
    int nhist, hpos;
    int quit;
    int dirty;             /* the screen needs a redraw */
};

/* window.c */
/* The window named name (case-insensitive), or NULL; its index in *idx. */
struct window *win_find(struct client *c, const char *name, int *idx);
/* The window named name, made at the end of the list if there is none
 * (NULL when WIN_MAX are open).  Owned by c; freed by win_close. */
struct window *win_get(struct client *c, const char *name);
void win_close(struct client *c, int idx);
void win_free_all(struct client *c);
/* Nick list: add (or set the prefix of), remove, rename, look up. */
void win_nick_add(struct window *w, const char *nick, char prefix);
int win_nick_remove(struct window *w, const char *nick);
int win_nick_rename(struct window *w, const char *from, const char *to);
struct irc_name *win_nick_find(struct window *w, const char *nick);
void win_nick_sort(struct window *w);
/* Shows fl in window w (scrollback, plugins, activity). */
void win_show(struct client *c, struct window *w, const struct fmt_line *fl, const char *nick,
              const char *text, int pev_kind);
/* A line of the client's own (LINE_CLIENT or LINE_ERROR) in window w. */
void win_note(struct client *c, struct window *w, int kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int is_channel_name(const char *s);

/* net.c */
/* Connects to the server of c->opt; 0 or a negative errno. */
int net_connect(struct client *c);
/* Sends one line (CR LF added); 0 or a negative errno. */
int net_send(struct client *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Reads what the socket holds and hands each line to session_line.
 * Returns 0, or -EPIPE once the server closed. */
int net_read(struct client *c);
void net_close(struct client *c);

/* session.c */
void session_start(struct client *c);
void session_line(struct client *c, const char *line);
/* A line typed in the input (a /command or text for the window). */
void session_input(struct client *c, const char *text);

/* plugins.c */
int plugins_init(const struct options *o);
/* Tells every plugin of ev; their actions' flags or-ed. */
int plugins_event(const struct plugin_event *ev);
/* A /command no built-in took; 0 if a plugin answered into *reply. */
int plugins_command(const char *cmd, const char *args, char *reply, size_t cap);

/* ui.c */
int ui_start(void);
void ui_stop(void);
void ui_draw(struct client *c);
/* Reads the keys the terminal holds. */
void ui_keys(struct client *c);
void ui_bell(void);

#endif
