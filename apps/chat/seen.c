/*
 * seen.c - plugin module "seen": when each nick last spoke, where and what,
 * answered by "/seen NICK".  A table of its own that nothing replays, so
 * the module is not restartable: a restart would forget everyone.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "plugin.h"

FRACTURE_MODULE(seen, 0);

#define SEEN_MAX 512

struct sighting {
    char nick[NICK_MAX];
    char window[NICK_MAX];
    char text[200];
    long long when;
};

static struct sighting table[SEEN_MAX];
static int used;

static struct sighting *find(const char *nick)
{
    for (int i = 0; i < used; i++)
        if (strcasecmp(table[i].nick, nick) == 0)
            return &table[i];
    return NULL;
}

int seen_event(const struct plugin_event *ev, struct plugin_action *out)
{
    struct sighting *s;

    memset(out, 0, sizeof *out);
    if (!ev->nick[0] || ev->kind == PEV_OTHER)
        return 0;
    s = find(ev->nick);
    if (!s) {
        /* Full: the oldest sighting makes room. */
        if (used < SEEN_MAX) {
            s = &table[used++];
        } else {
            s = &table[0];
            for (int i = 1; i < used; i++)
                if (table[i].when < s->when)
                    s = &table[i];
        }
        snprintf(s->nick, sizeof s->nick, "%s", ev->nick);
    }
    snprintf(s->window, sizeof s->window, "%s", ev->window);
    switch (ev->kind) {
    case PEV_JOIN:
        snprintf(s->text, sizeof s->text, "joining %s", ev->window);
        break;
    case PEV_PART:
        snprintf(s->text, sizeof s->text, "leaving %s", ev->window);
        break;
    case PEV_NICK:
        /* cut to the field: what is shown of a nick or a line is bounded */
        snprintf(s->text, sizeof s->text, "changing nick to %.*s",
                 (int)(sizeof s->text - sizeof "changing nick to "), ev->text);
        break;
    default:
        snprintf(s->text, sizeof s->text, "saying \"%.*s\"",
                 (int)(sizeof s->text - sizeof "saying \"\""), ev->text);
        break;
    }
    s->when = ev->when;
    return 0;
}

int seen_command(const char *cmd, const char *args, long long now, struct plugin_action *out)
{
    struct sighting *s;
    char nick[NICK_MAX];

    memset(out, 0, sizeof *out);
    if (strcasecmp(cmd, "seen") != 0)
        return -ENOENT;
    if (sscanf(args, "%63s", nick) != 1) {
        snprintf(out->reply, sizeof out->reply, "usage: /seen NICK");
        out->flags = PA_SHOW;
        return 0;
    }
    s = find(nick);
    if (!s)
        snprintf(out->reply, sizeof out->reply, "I have not seen %s", nick);
    else
        snprintf(out->reply, sizeof out->reply, "%s was last seen %llds ago in %s, %s", s->nick,
                 now - s->when, s->window, s->text);
    out->flags = PA_SHOW;
    return 0;
}
