/*
 * format.c - module "format": a parsed message into the line a window shows,
 * "12:34 <alice> hello", "12:34 * alice waves", "12:34 -!- bob has joined
 * #chan".  It carries the fourth deliberate bug (FRACTURE-DEMO BUG 4, a
 * leak on a rare numeric).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"

FRACTURE_MODULE(format, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE);

static void put(struct fmt_line *out, int kind, long long when, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void put(struct fmt_line *out, int kind, long long when, const char *fmt, ...)
{
    time_t t = (time_t)when;
    struct tm tm;
    size_t n;
    va_list ap;

    out->kind = kind;
    localtime_r(&t, &tm);
    n = strftime(out->text, sizeof out->text, "%H:%M ", &tm);
    va_start(ap, fmt);
    vsnprintf(out->text + n, sizeof out->text - n, fmt, ap);
    va_end(ap);
    /* A control character would move the terminal's cursor. */
    for (char *c = out->text; *c; c++)
        if ((unsigned char)*c < 0x20)
            *c = ' ';
}

/* The parameters from first on, joined by spaces (a numeric's text). */
static void join_params(const struct irc_msg *m, int first, char *buf, size_t cap)
{
    size_t n = 0;

    buf[0] = '\0';
    for (int i = first; i < m->nparams && n + 1 < cap; i++) {
        int w = snprintf(buf + n, cap - n, "%s%s", n ? " " : "", IRC_PARAM(m, i));
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

static int fmt_numeric(const struct irc_msg *m, long long when, struct fmt_line *out)
{
    char rest[TEXT_MAX];

    switch (m->numeric) {
    case 332:   /* RPL_TOPIC me #chan :topic */
        put(out, LINE_EVENT, when, "-!- Topic for %s: %s", IRC_PARAM(m, 1), IRC_PARAM(m, 2));
        return 0;
    case 333:   /* RPL_TOPICWHOTIME me #chan nick time */
        put(out, LINE_EVENT, when, "-!- Topic set by %s", IRC_PARAM(m, 2));
        return 0;
    case 353:   /* RPL_NAMREPLY me = #chan :names */
        put(out, LINE_EVENT, when, "-!- Names %s: %s", IRC_PARAM(m, 2), IRC_PARAM(m, 3));
        return 0;
    case 366:   /* RPL_ENDOFNAMES */
        put(out, LINE_EVENT, when, "-!- %s: %d names", IRC_PARAM(m, 1), m->nnames);
        return -ENOENT;
    case 324:   /* RPL_CHANNELMODEIS */
        join_params(m, 2, rest, sizeof rest);
        put(out, LINE_EVENT, when, "-!- Mode %s: %s", IRC_PARAM(m, 1), rest);
        return 0;
    case 301: { /* RPL_AWAY me nick :text */
        char *away;
        /* FRACTURE-DEMO BUG 4: a leak only a rare numeric reaches.  The
         * away text is built in a buffer of its own and never freed; 301
         * comes only when the client messages a user who is away. */
        if (asprintf(&away, "%s is away: %s", IRC_PARAM(m, 1), IRC_PARAM(m, 2)) < 0)
            return -ENOMEM;
        put(out, LINE_SERVER, when, "-!- %s", away);
        return 0;
    }
    case 433:   /* ERR_NICKNAMEINUSE * nick :text */
        put(out, LINE_ERROR, when, "-!- Nick %s is already in use", IRC_PARAM(m, 1));
        return 0;
    default:
        /* Numerics carry the client's nick first: the rest is the news. */
        join_params(m, 1, rest, sizeof rest);
        put(out, m->numeric >= 400 && m->numeric < 600 ? LINE_ERROR : LINE_SERVER, when, "%s",
            rest);
        return 0;
    }
}

int fmt_message(const struct irc_msg *m, const char *mynick, long long when,
                struct fmt_line *out)
{
    const char *c = m->command, *text = IRC_PARAM(m, m->nparams - 1);
    char rest[TEXT_MAX];

    memset(out, 0, sizeof *out);
    if (m->numeric)
        return fmt_numeric(m, when, out);
    if (strcmp(c, "PRIVMSG") == 0) {
        if (strcmp(m->ctcp, "ACTION") == 0)
            put(out, LINE_ACTION, when, "* %s %s", m->nick, m->ctcp_arg);
        else if (m->ctcp[0])
            put(out, LINE_EVENT, when, "-!- CTCP %s from %s", m->ctcp, m->nick);
        else
            put(out, LINE_MESSAGE, when, "<%s> %s", m->nick, text);
        return 0;
    }
    if (strcmp(c, "NOTICE") == 0) {
        if (m->ctcp[0])
            put(out, LINE_NOTICE, when, "-!- CTCP %s reply from %s: %s", m->ctcp, m->nick,
                m->ctcp_arg);
        else
            put(out, LINE_NOTICE, when, "-%s- %s", m->nick[0] ? m->nick : "server", text);
        return 0;
    }
    if (strcmp(c, "JOIN") == 0) {
        if (strcmp(m->nick, mynick) == 0)
            put(out, LINE_EVENT, when, "-!- You have joined %s", IRC_PARAM(m, 0));
        else
            put(out, LINE_EVENT, when, "-!- %s [%s@%s] has joined %s", m->nick, m->user, m->host,
                IRC_PARAM(m, 0));
        return 0;
    }
    if (strcmp(c, "PART") == 0) {
        put(out, LINE_EVENT, when, "-!- %s has left %s [%s]", m->nick, IRC_PARAM(m, 0),
            m->nparams > 1 ? IRC_PARAM(m, 1) : "");
        return 0;
    }
    if (strcmp(c, "QUIT") == 0) {
        put(out, LINE_EVENT, when, "-!- %s has quit [%s]", m->nick, IRC_PARAM(m, 0));
        return 0;
    }
    if (strcmp(c, "KICK") == 0) {
        put(out, LINE_EVENT, when, "-!- %s was kicked from %s by %s [%s]", IRC_PARAM(m, 1),
            IRC_PARAM(m, 0), m->nick, IRC_PARAM(m, 2));
        return 0;
    }
    if (strcmp(c, "NICK") == 0) {
        if (strcmp(m->nick, mynick) == 0)
            put(out, LINE_EVENT, when, "-!- You are now known as %s", IRC_PARAM(m, 0));
        else
            put(out, LINE_EVENT, when, "-!- %s is now known as %s", m->nick, IRC_PARAM(m, 0));
        return 0;
    }
    if (strcmp(c, "TOPIC") == 0) {
        put(out, LINE_EVENT, when, "-!- %s changed the topic of %s to: %s", m->nick,
            IRC_PARAM(m, 0), IRC_PARAM(m, 1));
        return 0;
    }
    if (strcmp(c, "MODE") == 0) {
        join_params(m, 1, rest, sizeof rest);
        put(out, LINE_EVENT, when, "-!- mode/%s [%s] by %s", IRC_PARAM(m, 0), rest, m->nick);
        return 0;
    }
    if (strcmp(c, "ERROR") == 0) {
        put(out, LINE_ERROR, when, "-!- Error: %s", text);
        return 0;
    }
    if (strcmp(c, "PING") == 0 || strcmp(c, "PONG") == 0)
        return -ENOENT;
    join_params(m, 0, rest, sizeof rest);
    put(out, LINE_SERVER, when, "%s %s", c, rest);
    return 0;
}

int fmt_own(int kind, const char *nick, const char *text, long long when,
            struct fmt_line *out)
{
    memset(out, 0, sizeof *out);
    switch (kind) {
    case LINE_MESSAGE:
        put(out, kind, when, "<%s> %s", nick, text);
        break;
    case LINE_ACTION:
        put(out, kind, when, "* %s %s", nick, text);
        break;
    case LINE_NOTICE:
        put(out, kind, when, "-%s- %s", nick, text);
        break;
    default:
        put(out, kind, when, "-!- %s", text);
        break;
    }
    return 0;
}
