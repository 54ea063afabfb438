/*
 * format.h - module "format": what a window shows for a message.  Pure (the
 * time comes in from the caller), so it may be restarted, replicated and
 * sampled.
 */
#ifndef CHAT_FORMAT_H
#define CHAT_FORMAT_H

#include "chat.h"

/* The line shown for m, received at when (seconds since the epoch) by a
 * client whose nick is mynick.  Returns 0, or -ENOENT when m shows nothing
 * (PING, PONG, a CTCP request the client answers). */
int fmt_message(const struct irc_msg *m, const char *mynick, long long when,
                FR_OUT(1) struct fmt_line *out);

/* The client's own line: a message or action it sent (kind LINE_MESSAGE,
 * LINE_ACTION, LINE_NOTICE, with nick its own), or a note of its own
 * (LINE_CLIENT, LINE_ERROR: nick ignored).  Returns 0. */
int fmt_own(int kind, const char *nick, const char *text, long long when,
            FR_OUT(1) struct fmt_line *out);

#endif
