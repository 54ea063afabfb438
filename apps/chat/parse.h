/*
 * parse.h - module "parse": one line from the server into a struct irc_msg.
 * The module that meets the server's bytes first; pure (a line in, a struct
 * out, no state), so it may be restarted, replicated and sampled.
 */
#ifndef CHAT_PARSE_H
#define CHAT_PARSE_H

#include "chat.h"

/* Splits line (without its CR LF) into *out.  Returns 0, or -EINVAL for a
 * line that is no message (empty, a prefix alone). */
int irc_parse(const char *line, FR_OUT(1) struct irc_msg *out);

#endif
