/*
 * parse.c - module "parse": RFC 2812 messages (prefix, command, up to 15
 * parameters), CTCP inside PRIVMSG and NOTICE, the names of a 353 reply and
 * the changes of a MODE.  It carries two of the four deliberate bugs
 * (FRACTURE-DEMO BUG 1 and 2, heap overflows a hostile server reaches) and
 * one leak (BUG 3): the bugs the configs in configs/ exist to catch.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

FRACTURE_MODULE(parse, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE);

/* A name of a 353 reply is copied here to strip its prefix. */
#define NAME_SCRATCH 2048
/* RFC 2812 3.2.3: at most three changes with a parameter per MODE; one
 * more for a flag without one. */
#define MODE_TABLE 4

struct mode_entry {        /* a full parameter's room: a key or a ban mask */
    char sign;
    char mode;
    char arg[510];
};

static void copy_bounded(char *dst, size_t cap, const char *src, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* ":nick!user@host" or ":server", p[0..n) without the colon. */
static void parse_prefix(const char *p, size_t n, struct irc_msg *m)
{
    const char *bang = memchr(p, '!', n), *at = memchr(p, '@', n);
    const char *nick_end = bang ? bang : at ? at : p + n;

    copy_bounded(m->nick, sizeof m->nick, p, (size_t)(nick_end - p));
    if (bang) {
        const char *ue = at && at > bang ? at : p + n;
        copy_bounded(m->user, sizeof m->user, bang + 1, (size_t)(ue - bang - 1));
    }
    if (at)
        copy_bounded(m->host, sizeof m->host, at + 1, (size_t)(p + n - at - 1));
}

/* "\001VERB arg\001" in the last parameter of a PRIVMSG or NOTICE. */
static void parse_ctcp(struct irc_msg *m, int reply)
{
    const char *t = IRC_PARAM(m, m->nparams - 1);
    size_t n = strlen(t), vn;
    char *body, *sp;

    if (n < 2 || t[0] != '\001')
        return;
    body = strndup(t + 1, t[n - 1] == '\001' ? n - 2 : n - 1);
    if (!body)
        return;
    sp = strchr(body, ' ');
    vn = sp ? (size_t)(sp - body) : strlen(body);
    copy_bounded(m->ctcp, sizeof m->ctcp, body, vn);
    for (char *c = m->ctcp; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    if (sp)
        copy_bounded(m->ctcp_arg, sizeof m->ctcp_arg, sp + 1, strlen(sp + 1));
    /* FRACTURE-DEMO BUG 3: a leak only a CTCP reply reaches.  A reply (in a
     * NOTICE) returns before the copy of its body is freed; requests, which
     * every /me sends, take the path below.  Replies come only after a
     * /ctcp of ours, so a normal session never shows it. */
    if (reply)
        return;
    free(body);
}

/* RPL_NAMREPLY: "353 me = #chan :@op +voiced plain". */
static void parse_names(struct irc_msg *m)
{
    const char *p = IRC_PARAM(m, m->nparams - 1);
    char *scratch = malloc(NAME_SCRATCH);

    if (!scratch)
        return;
    while (*p && m->nnames < NAMES_MAX) {
        const char *e;
        struct irc_name *nm = &m->names[m->nnames];
        const char *s;
        size_t n;

        while (*p == ' ')
            p++;
        if (!*p)
            break;
        e = strchr(p, ' ');
        n = e ? (size_t)(e - p) : strlen(p);
        /* FRACTURE-DEMO BUG 1: a heap overflow a hostile server reaches.
         * The name is copied into the 2 KiB scratch buffer bounded only by
         * the line (8 KiB): a 353 with a name longer than 2 KiB overruns
         * the heap, and glibc's free() below finds the next chunk's header
         * overwritten and aborts.  Under rx-alloc with RX_PAD >= 6 KiB the
         * overflow lands in padding. */
        memcpy(scratch, p, n);
        scratch[n] = '\0';
        s = scratch;
        nm->prefix = 0;
        if (*s == '@' || *s == '+' || *s == '%' || *s == '~' || *s == '&')
            nm->prefix = *s++;
        copy_bounded(nm->nick, sizeof nm->nick, s, strlen(s));
        if (nm->nick[0])
            m->nnames++;
        p += n;
    }
    free(scratch);
}

/* "MODE target +ov-k nick1 nick2" and "324 me #chan +nt". */
static void parse_modes(struct irc_msg *m, int first)
{
    const char *s = IRC_PARAM(m, first);
    int arg = first + 1, n = 0;
    char sign = '+';
    struct mode_entry *table = malloc(MODE_TABLE * sizeof *table);

    if (!table)
        return;
    for (; *s; s++) {
        if (*s == '+' || *s == '-') {
            sign = *s;
            continue;
        }
        /* FRACTURE-DEMO BUG 2: a heap overflow a hostile server reaches.
         * One entry per mode letter, and the table holds MODE_TABLE (the
         * three RFC 2812 allows, and one more) without a check: a MODE
         * with more letters writes whole 512-byte entries past the 2 KiB
         * table, zeroing the next chunk's header, and glibc's free() below
         * aborts.  Under rx-alloc with RX_PAD >= 8 KiB ten letters land in
         * padding. */
        table[n].sign = sign;
        table[n].mode = *s;
        /* Modes that take a parameter: lists, keys, limits, statuses. */
        if (strchr("beIkovhqa", *s) || (*s == 'l' && sign == '+')) {
            strncpy(table[n].arg, IRC_PARAM(m, arg), sizeof table[n].arg);
            arg++;   /* not in the macro: it reads its index thrice */
        } else
            memset(table[n].arg, 0, sizeof table[n].arg);
        n++;
    }
    for (int i = 0; i < n && i < MODES_MAX; i++) {
        m->modes[i].sign = table[i].sign;
        m->modes[i].mode = table[i].mode;
        copy_bounded(m->modes[i].arg, sizeof m->modes[i].arg, table[i].arg,
                     strnlen(table[i].arg, sizeof table[i].arg));
    }
    m->nmodes = n < MODES_MAX ? n : MODES_MAX;
    free(table);
}

int irc_parse(const char *line, struct irc_msg *out)
{
    const char *p = line;
    size_t used = 0;

    memset(out, 0, sizeof *out);
    if (*p == ':') {
        const char *sp = strchr(p, ' ');
        if (!sp)
            return -EINVAL;
        parse_prefix(p + 1, (size_t)(sp - p - 1), out);
        p = sp;
    }
    while (*p == ' ')
        p++;
    if (!*p)
        return -EINVAL;
    {
        size_t n = strcspn(p, " ");
        copy_bounded(out->command, sizeof out->command, p, n);
        for (char *c = out->command; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        p += n;
    }
    if (strlen(out->command) == 3 && isdigit((unsigned char)out->command[0]) &&
        isdigit((unsigned char)out->command[1]) && isdigit((unsigned char)out->command[2]))
        out->numeric = atoi(out->command);
    while (*p && out->nparams < IRC_PARAMS_MAX) {
        size_t n;

        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (*p == ':' || out->nparams == IRC_PARAMS_MAX - 1) {
            /* The trailing parameter: the rest of the line, spaces and all. */
            if (*p == ':')
                p++;
            n = strlen(p);
        } else {
            n = strcspn(p, " ");
        }
        if (used + n + 1 > sizeof out->params)
            n = sizeof out->params - used - 1;
        out->param_off[out->nparams++] = (int)used;
        memcpy(out->params + used, p, n);
        out->params[used + n] = '\0';
        used += n + 1;
        p += n;
        if (used >= sizeof out->params)
            break;
    }

    if (strcmp(out->command, "PRIVMSG") == 0 && out->nparams >= 2)
        parse_ctcp(out, 0);
    else if (strcmp(out->command, "NOTICE") == 0 && out->nparams >= 2)
        parse_ctcp(out, 1);
    else if (out->numeric == 353 && out->nparams >= 2)
        parse_names(out);
    else if (strcmp(out->command, "MODE") == 0 && out->nparams >= 2)
        parse_modes(out, 1);
    else if (out->numeric == 324 && out->nparams >= 3)
        parse_modes(out, 2);
    return 0;
}
