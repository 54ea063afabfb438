/*
 * plugin.h - the plugin API.  A plugin is a module that the client tells of
 * what happens (plugin_event) and that may answer with an action
 * (plugin_action: a bell, a mark on the line, a line to show).  Each plugin
 * implements some of:
 *
 *   FR_INIT int NAME_init(const char *arg)      set up; replayed into a
 *                                               restarted FMP
 *   int NAME_event(const struct plugin_event *, struct plugin_action *)
 *   int NAME_command(const char *cmd, const char *args, long long now,
 *                    struct plugin_action *)    a /command it owns
 *
 * and the host (plugins.c, in the root) calls each in turn.  The three
 * shipped: logger (a log file per window), highlight (mentions and
 * keywords), seen (when each nick last spoke; /seen).
 */
#ifndef CHAT_PLUGIN_H
#define CHAT_PLUGIN_H

#include "chat.h"

enum plugin_event_kind {
    PEV_MESSAGE,           /* a PRIVMSG, ACTION or NOTICE in a window */
    PEV_OWN,               /* one the client sent */
    PEV_JOIN,
    PEV_PART,              /* a PART, QUIT or KICK */
    PEV_NICK,              /* nick -> text */
    PEV_OTHER,             /* any other line shown */
};

struct plugin_event {
    int kind;
    long long when;
    char window[NICK_MAX]; /* the window's name ("status" for the server's) */
    char nick[NICK_MAX];   /* who did it */
    char mynick[NICK_MAX];
    char text[TEXT_MAX];   /* what was said */
    char line[TEXT_MAX];   /* the line as shown */
};

enum plugin_action_flag {
    PA_BELL = 1,
    PA_MARK = 2,           /* show the line marked */
    PA_SHOW = 4,           /* show reply in the current window */
};

struct plugin_action {
    int flags;
    char reply[TEXT_MAX];
};

FR_INIT int logger_init(const char *dir);
int logger_event(const struct plugin_event *ev, FR_OUT(1) struct plugin_action *out);

FR_INIT int highlight_init(const char *keywords);
int highlight_event(const struct plugin_event *ev, FR_OUT(1) struct plugin_action *out);

int seen_event(const struct plugin_event *ev, FR_OUT(1) struct plugin_action *out);
int seen_command(const char *cmd, const char *args, long long now,
                 FR_OUT(1) struct plugin_action *out);

#endif
