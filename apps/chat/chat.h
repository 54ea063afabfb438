/*
 * chat.h - the types every part of apps/chat shares: a parsed IRC message
 * (what module "parse" hands the loop), a display line (what module
 * "format" makes of it), and the sizes they are built on.  Every type here
 * is a struct of arrays, with no pointer in it, so that it crosses a module
 * boundary as one copy.
 */
#ifndef CHAT_H
#define CHAT_H

/* Without Fracture installed at all the client still builds: the
 * annotations are then nothing, as they are for any compiler. */
#if defined(__has_include)
#if __has_include(<fracture/fracture.h>)
#include <fracture/fracture.h>
#define CHAT_HAVE_FRACTURE 1
#endif
#endif
#ifndef CHAT_HAVE_FRACTURE
#define FRACTURE_MODULE(name, caps) struct chat_module_unused
#define FR_OUT(n)
#define FR_INIT
#endif
#include <stddef.h>

/* RFC 2812 says 512 bytes a line; servers are not trusted to keep to it,
 * so a line up to this long is read and parsed (a longer one is cut). */
#define IRC_LINE_MAX 8192
#define IRC_PARAMS_MAX 15
#define NICK_MAX 64        /* a nick, a server name, a channel name, with NUL */
#define NAMES_MAX 128      /* names one 353 reply can carry here */
#define MODES_MAX 8        /* mode changes kept from one MODE */
#define TEXT_MAX 512       /* one display line, with NUL */

struct irc_name {
    char prefix;           /* '@', '+', or 0 */
    char nick[NICK_MAX];
};

struct irc_mode {
    char sign;             /* '+' or '-' */
    char mode;
    char arg[NICK_MAX];    /* "" when the mode takes none */
};

/* One line from the server, split (RFC 2812 section 2.3.1). */
struct irc_msg {
    char nick[NICK_MAX];   /* the prefix's nick or server name; "" without one */
    char user[NICK_MAX];
    char host[128];
    char command[32];      /* upper-cased; a numeric as its three digits */
    int numeric;           /* 0 when the command is a word */
    int nparams;
    int param_off[IRC_PARAMS_MAX];   /* where each parameter starts in params */
    char params[IRC_LINE_MAX];       /* the parameters, each NUL-terminated */
    /* A CTCP request or reply in a PRIVMSG / NOTICE: its verb ("ACTION",
     * "VERSION", ...) and argument; ctcp is "" for none. */
    char ctcp[32];
    char ctcp_arg[TEXT_MAX];
    /* RPL_NAMREPLY (353): the names it lists. */
    int nnames;
    struct irc_name names[NAMES_MAX];
    /* MODE: each change with its argument. */
    int nmodes;
    struct irc_mode modes[MODES_MAX];
};

/* The parameter i of struct irc_msg *m, or "" past the last.  A macro, not
 * an inline function: a function in a header would belong to the module of
 * every file that includes it. */
#define IRC_PARAM(m, i) ((i) >= 0 && (i) < (m)->nparams ? (m)->params + (m)->param_off[i] : "")

/* What kind of line a window shows; the UI picks its look from it. */
enum line_kind {
    LINE_MESSAGE,          /* <nick> text */
    LINE_ACTION,           /* * nick text */
    LINE_NOTICE,           /* -nick- text */
    LINE_EVENT,            /* joins, parts, nick changes, topics, modes */
    LINE_SERVER,           /* numerics, MOTD */
    LINE_ERROR,
    LINE_CLIENT,           /* the client's own messages */
};

/* A display line, as module "format" makes it. */
struct fmt_line {
    int kind;              /* enum line_kind */
    char text[TEXT_MAX];
};

#endif
