/*
 * session.c - the IRC session (root): registration with its nick fallback,
 * what each message from the server does to the windows (through module
 * parse for the split and module format for the text), and the commands
 * typed into the input line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "client.h"
#include "format.h"
#include "parse.h"

#define VERSION_REPLY "fracture-chat 0.1 (an apps/chat of Fracture)"

static long long now(void)
{
    return (long long)time(NULL);
}

static struct window *status_win(struct client *c)
{
    return c->win[0];
}

static struct window *cur_win(struct client *c)
{
    return c->win[c->cur];
}

static int is_me(struct client *c, const char *nick)
{
    return strcasecmp(nick, c->nick) == 0;
}

void session_start(struct client *c)
{
    if (c->opt.pass[0])
        net_send(c, "PASS %s", c->opt.pass);
    net_send(c, "NICK %s", c->nick);
    net_send(c, "USER %s 0 * :%s", c->opt.user, c->opt.realname);
}

/* ERR_NICKNAMEINUSE before 001: the alternative nick, then '_'s. */
static void nick_fallback(struct client *c)
{
    size_t n;

    if (c->registered)
        return;
    if (c->nick_tries++ == 0 && c->opt.alt_nick[0] && strcasecmp(c->opt.alt_nick, c->nick)) {
        snprintf(c->nick, sizeof c->nick, "%s", c->opt.alt_nick);
    } else {
        n = strlen(c->nick);
        if (n + 1 < sizeof c->nick && c->nick_tries < 8) {
            c->nick[n] = '_';
            c->nick[n + 1] = '\0';
        } else {
            snprintf(c->nick, sizeof c->nick, "fc%04d", (int)(now() % 10000));
        }
    }
    win_note(c, status_win(c), LINE_CLIENT, "Trying nick %s", c->nick);
    net_send(c, "NICK %s", c->nick);
}

static void ctcp_request(struct client *c, const struct irc_msg *m)
{
    if (strcmp(m->ctcp, "VERSION") == 0)
        net_send(c, "NOTICE %s :\001VERSION %s\001", m->nick, VERSION_REPLY);
    else if (strcmp(m->ctcp, "PING") == 0)
        net_send(c, "NOTICE %s :\001PING %s\001", m->nick, m->ctcp_arg);
}

/* Applies MODE's +o/-o, +v/-v to the channel's nick list. */
static void apply_modes(struct window *w, const struct irc_msg *m)
{
    for (int i = 0; i < m->nmodes; i++) {
        const struct irc_mode *md = &m->modes[i];
        struct irc_name *n;
        char p = md->mode == 'o' ? '@' : md->mode == 'v' ? '+' : md->mode == 'h' ? '%' : 0;

        if (!p || !(n = win_nick_find(w, md->arg)))
            continue;
        if (md->sign == '+' && (n->prefix == 0 || p == '@' || (p == '%' && n->prefix == '+')))
            n->prefix = p;
        else if (md->sign == '-' && n->prefix == p)
            n->prefix = 0;
    }
    win_nick_sort(w);
}

static void on_message(struct client *c, const struct irc_msg *m, const struct fmt_line *fl,
                       int shown)
{
    const char *cmd = m->command, *p0 = IRC_PARAM(m, 0), *p1 = IRC_PARAM(m, 1);
    const char *last = IRC_PARAM(m, m->nparams - 1);
    struct window *w;

    if (strcmp(cmd, "PING") == 0) {
        net_send(c, "PONG :%s", p0);
        return;
    }
    if (strcmp(cmd, "PRIVMSG") == 0 || strcmp(cmd, "NOTICE") == 0) {
        int notice = cmd[0] == 'N';
        int from_server = !m->user[0];

        if (!notice && m->ctcp[0] && strcmp(m->ctcp, "ACTION") != 0)
            ctcp_request(c, m);
        if (is_channel_name(p0))
            w = win_find(c, p0, NULL);
        else if (notice && (from_server || !win_find(c, m->nick, NULL)))
            w = from_server ? status_win(c) : cur_win(c);
        else
            w = win_get(c, m->nick);
        if (!w)
            w = status_win(c);
        if (shown)
            win_show(c, w, fl, m->nick, m->ctcp[0] ? m->ctcp_arg : last, PEV_MESSAGE);
        return;
    }
    if (strcmp(cmd, "JOIN") == 0) {
        w = win_get(c, p0);
        if (!w)
            return;
        if (is_me(c, m->nick)) {
            w->joined = 1;
            w->nnicks = 0;
            for (int i = 0; i < c->nwin; i++)
                if (c->win[i] == w)
                    c->cur = i;
            w->activity = 0;
        } else {
            win_nick_add(w, m->nick, 0);
            win_nick_sort(w);
        }
        if (shown)
            win_show(c, w, fl, m->nick, "", PEV_JOIN);
        return;
    }
    if (strcmp(cmd, "PART") == 0 || strcmp(cmd, "KICK") == 0) {
        const char *who = cmd[0] == 'P' ? m->nick : p1;
        int idx;

        w = win_find(c, p0, &idx);
        if (!w)
            return;
        win_nick_remove(w, who);
        if (shown)
            win_show(c, w, fl, who, "", PEV_PART);
        if (is_me(c, who)) {
            w->joined = 0;
            if (cmd[0] == 'P')
                win_close(c, idx);
        }
        return;
    }
    if (strcmp(cmd, "QUIT") == 0) {
        for (int i = 0; i < c->nwin; i++) {
            w = c->win[i];
            if ((w->is_channel && win_nick_remove(w, m->nick)) ||
                (!w->is_channel && strcasecmp(w->name, m->nick) == 0))
                if (shown)
                    win_show(c, w, fl, m->nick, "", PEV_PART);
        }
        return;
    }
    if (strcmp(cmd, "NICK") == 0) {
        int me = is_me(c, m->nick), any = 0;

        for (int i = 0; i < c->nwin; i++) {
            w = c->win[i];
            if ((w->is_channel && win_nick_rename(w, m->nick, p0)) ||
                (!w->is_channel && strcasecmp(w->name, m->nick) == 0)) {
                if (!w->is_channel)
                    snprintf(w->name, sizeof w->name, "%s", p0);
                if (shown)
                    win_show(c, w, fl, m->nick, p0, PEV_NICK);
                any = 1;
            }
        }
        if (me) {
            snprintf(c->nick, sizeof c->nick, "%s", p0);
            if (!any && shown)
                win_show(c, status_win(c), fl, m->nick, p0, PEV_NICK);
        }
        c->dirty = 1;
        return;
    }
    if (strcmp(cmd, "TOPIC") == 0) {
        w = win_find(c, p0, NULL);
        if (!w)
            return;
        snprintf(w->topic, sizeof w->topic, "%s", p1);
        if (shown)
            win_show(c, w, fl, m->nick, p1, PEV_OTHER);
        return;
    }
    if (strcmp(cmd, "MODE") == 0) {
        w = is_channel_name(p0) ? win_find(c, p0, NULL) : NULL;
        if (w)
            apply_modes(w, m);
        if (shown)
            win_show(c, w ? w : status_win(c), fl, m->nick, "", PEV_OTHER);
        return;
    }
    if (strcmp(cmd, "ERROR") == 0) {
        if (shown)
            win_show(c, status_win(c), fl, NULL, last, PEV_OTHER);
        return;
    }

    w = NULL;
    switch (m->numeric) {
    case 1:    /* RPL_WELCOME: the nick the server gave us comes first */
        c->registered = 1;
        snprintf(c->nick, sizeof c->nick, "%s", p0);
        for (int i = 0; i < c->opt.nchannels; i++)
            net_send(c, "JOIN %s", c->opt.channels[i]);
        break;
    case 433:
        if (shown)
            win_show(c, status_win(c), fl, NULL, "", PEV_OTHER);
        nick_fallback(c);
        return;
    case 332:
        if ((w = win_find(c, p1, NULL)) != NULL)
            snprintf(w->topic, sizeof w->topic, "%s", IRC_PARAM(m, 2));
        break;
    case 333:
    case 324:
    case 366:
        w = win_find(c, p1, NULL);
        if (w && m->numeric == 366) {
            w->names_done = 1;
            win_nick_sort(w);
        }
        break;
    case 353:
        if ((w = win_find(c, IRC_PARAM(m, 2), NULL)) != NULL) {
            if (w->names_done)
                w->nnicks = 0;
            w->names_done = 0;
            for (int i = 0; i < m->nnames; i++)
                win_nick_add(w, m->names[i].nick, m->names[i].prefix);
        }
        break;
    case 301:  /* RPL_AWAY: in the query it answers */
        w = win_find(c, p1, NULL);
        break;
    case 401: case 403: case 404: case 442: case 482:
        w = cur_win(c);
        break;
    default:
        break;
    }
    if (shown)
        win_show(c, w ? w : status_win(c), fl, NULL, "", PEV_OTHER);
}

void session_line(struct client *c, const char *line)
{
    struct irc_msg *m = malloc(sizeof *m);
    struct fmt_line fl;
    int shown;

    if (!m)
        return;
    if (irc_parse(line, m) != 0) {
        free(m);
        return;
    }
    shown = fmt_message(m, c->nick, now(), &fl) == 0;
    on_message(c, m, &fl, shown);
    free(m);
    c->dirty = 1;
}

/* The client's own message to target, sent and shown. */
static void say(struct client *c, const char *target, int kind, const char *text)
{
    struct fmt_line fl;
    struct window *w;

    if (c->fd < 0) {
        win_note(c, cur_win(c), LINE_ERROR, "Not connected");
        return;
    }
    if (kind == LINE_ACTION)
        net_send(c, "PRIVMSG %s :\001ACTION %s\001", target, text);
    else
        net_send(c, "%s %s :%s", kind == LINE_NOTICE ? "NOTICE" : "PRIVMSG", target, text);
    w = is_channel_name(target) ? win_find(c, target, NULL) : win_get(c, target);
    if (!w)
        w = cur_win(c);
    fmt_own(kind, c->nick, text, now(), &fl);
    win_show(c, w, &fl, c->nick, text, PEV_OWN);
}

/* Splits "word rest" off s: the word into buf, the rest returned. */
static const char *word(const char *s, char *buf, size_t cap)
{
    size_t n;

    while (*s == ' ')
        s++;
    n = strcspn(s, " ");
    snprintf(buf, cap, "%.*s", (int)n, s);
    s += n;
    while (*s == ' ')
        s++;
    return s;
}

static const char help_text[] =
    "Commands: /join #chan [key], /part [#chan] [reason], /msg NICK text, /query NICK, "
    "/me action, /notice TARGET text, /ctcp NICK VERB, /topic [text], /names [#chan], "
    "/mode [args], /nick NEW, /away [text], /seen NICK, /win N, /close, /quote LINE, "
    "/quit [reason]. Keys: Alt-N, Ctrl-N/P windows; PgUp/PgDn scroll; Up/Down history; "
    "Tab completes a nick";

static void command(struct client *c, const char *line)
{
    char cmd[32], a1[NICK_MAX], reply[TEXT_MAX];
    struct window *w = cur_win(c);
    const char *rest = word(line + 1, cmd, sizeof cmd), *rest2;
    const char *target = w->is_channel || c->cur ? w->name : NULL;

    for (char *p = cmd; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    if (strcmp(cmd, "quit") == 0) {
        net_send(c, "QUIT :%s", *rest ? rest : "fracture-chat");
        c->quit = 1;
    } else if (strcmp(cmd, "join") == 0 || strcmp(cmd, "j") == 0) {
        if (*rest)
            net_send(c, "JOIN %s", rest);
    } else if (strcmp(cmd, "part") == 0) {
        if (is_channel_name(rest)) {
            rest2 = word(rest, a1, sizeof a1);
            net_send(c, "PART %s :%s", a1, rest2);
        } else if (w->is_channel) {
            net_send(c, "PART %s :%s", w->name, rest);
        }
    } else if (strcmp(cmd, "msg") == 0 || strcmp(cmd, "query") == 0) {
        rest2 = word(rest, a1, sizeof a1);
        if (!a1[0]) {
            win_note(c, w, LINE_ERROR, "usage: /%s NICK [text]", cmd);
        } else if (*rest2) {
            say(c, a1, LINE_MESSAGE, rest2);
        } else if (cmd[0] == 'q') {
            struct window *q = win_get(c, a1);
            int idx;
            if (q && win_find(c, a1, &idx))
                c->cur = idx;
        }
    } else if (strcmp(cmd, "me") == 0) {
        if (target)
            say(c, target, LINE_ACTION, rest);
    } else if (strcmp(cmd, "notice") == 0) {
        rest2 = word(rest, a1, sizeof a1);
        if (a1[0])
            say(c, a1, LINE_NOTICE, rest2);
    } else if (strcmp(cmd, "ctcp") == 0) {
        rest2 = word(rest, a1, sizeof a1);
        if (a1[0] && *rest2) {
            char verb[32];
            word(rest2, verb, sizeof verb);
            for (char *p = verb; *p; p++)
                *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
            net_send(c, "PRIVMSG %s :\001%s\001", a1, verb);
            win_note(c, w, LINE_CLIENT, "CTCP %s sent to %s", verb, a1);
        }
    } else if (strcmp(cmd, "topic") == 0) {
        if (!w->is_channel)
            win_note(c, w, LINE_ERROR, "/topic: not a channel");
        else if (*rest)
            net_send(c, "TOPIC %s :%s", w->name, rest);
        else
            net_send(c, "TOPIC %s", w->name);
    } else if (strcmp(cmd, "names") == 0) {
        net_send(c, "NAMES %s", *rest ? rest : w->name);
    } else if (strcmp(cmd, "mode") == 0) {
        if (*rest)
            net_send(c, "MODE %s", rest);
        else
            net_send(c, "MODE %s", w->is_channel ? w->name : c->nick);
    } else if (strcmp(cmd, "nick") == 0) {
        word(rest, a1, sizeof a1);
        if (a1[0])
            net_send(c, "NICK %s", a1);
    } else if (strcmp(cmd, "away") == 0) {
        if (*rest)
            net_send(c, "AWAY :%s", rest);
        else
            net_send(c, "AWAY");
    } else if (strcmp(cmd, "win") == 0 || strcmp(cmd, "window") == 0) {
        int n = atoi(rest);
        if (n >= 1 && n <= c->nwin) {
            c->cur = n - 1;
            c->win[c->cur]->activity = 0;
            c->dirty = 1;
        }
    } else if (strcmp(cmd, "close") == 0) {
        if (w->is_channel && w->joined)
            net_send(c, "PART %s", w->name);
        else
            win_close(c, c->cur);
    } else if (strcmp(cmd, "quote") == 0 || strcmp(cmd, "raw") == 0) {
        if (*rest)
            net_send(c, "%s", rest);
    } else if (strcmp(cmd, "help") == 0) {
        win_note(c, w, LINE_CLIENT, "%s", help_text);
    } else if (plugins_command(cmd, rest, reply, sizeof reply) == 0) {
        win_note(c, w, LINE_CLIENT, "%s", reply);
    } else {
        win_note(c, w, LINE_ERROR, "Unknown command /%s (try /help)", cmd);
    }
}

void session_input(struct client *c, const char *text)
{
    struct window *w = cur_win(c);

    if (!*text)
        return;
    if (text[0] == '/' && text[1] != '/') {
        command(c, text);
        return;
    }
    if (text[0] == '/')
        text++;   /* "//text" says "/text" */
    if (c->cur == 0) {
        win_note(c, w, LINE_ERROR, "This is the status window: /join a channel or /msg a nick");
        return;
    }
    say(c, w->name, LINE_MESSAGE, text);
}
