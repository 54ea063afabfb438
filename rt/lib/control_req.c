/*
 * control_req.c - a request to a root's control socket (control_req.h):
 * its words, the decoder of the bytes any local process may send, and the
 * socket's name.  Nothing here acts: control.c does.
 */
#include "control_req.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char *const action_names[] = {
    [FR_CONTROL_STATS] = "stats",     [FR_CONTROL_RESTART] = "restart",
    [FR_CONTROL_STOP] = "stop",       [FR_CONTROL_SIGNAL] = "signal",
    [FR_CONTROL_ENV_NEXT] = "env-next",
};

const char *fr__control_action_name(enum fr_control_action a)
{
    return a >= FR_CONTROL_STATS && a <= FR_CONTROL_ENV_NEXT ? action_names[a] : NULL;
}

int fr__control_parse(const char *buf, size_t len, struct fr_control_req *out, char *err,
                      size_t errsz)
{
    char line[FR_CONTROL_REQ_MAX + 1];
    char *tok[5];
    int ntok = 0;

    memset(out, 0, sizeof *out);
    if (len == 0) {
        snprintf(err, errsz, "empty request");
        return -EINVAL;
    }
    if (len > FR_CONTROL_REQ_MAX) {
        snprintf(err, errsz, "request longer than %d bytes", FR_CONTROL_REQ_MAX);
        return -EINVAL;
    }
    if (buf[len - 1] != '\n') {
        snprintf(err, errsz, "request not ended by a newline");
        return -EINVAL;
    }
    for (size_t i = 0; i + 1 < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '\n') {
            snprintf(err, errsz, "more than one line in the request");
            return -EINVAL;
        }
        if (c < 0x20 || c >= 0x7f) {
            snprintf(err, errsz, "byte 0x%02x at offset %zu: a request is printable ASCII", c, i);
            return -EINVAL;
        }
    }
    memcpy(line, buf, len - 1);
    line[len - 1] = '\0';
    /* words split by one space each: an empty word is an error, not skipped */
    for (char *p = line;;) {
        char *sp = strchr(p, ' ');
        if (ntok == 5 || !*p || sp == p) {
            snprintf(err, errsz, ntok == 5 ? "too many words in the request"
                                           : "an empty word in the request (two spaces, or "
                                             "one at an end)");
            return -EINVAL;
        }
        tok[ntok++] = p;
        if (!sp)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    if (strcmp(tok[0], "v1") != 0) {
        snprintf(err, errsz, "unknown protocol version '%.16s' (this root speaks v1)", tok[0]);
        return -EINVAL;
    }
    if (ntok < 3) {
        snprintf(err, errsz, "a request is 'v1 ACTION FMP-GLOB [ARG]'");
        return -EINVAL;
    }
    for (int a = FR_CONTROL_STATS; a <= FR_CONTROL_ENV_NEXT; a++)
        if (strcmp(tok[1], action_names[a]) == 0)
            out->action = (enum fr_control_action)a;
    if (!out->action) {
        snprintf(err, errsz, "unknown action '%.32s' (stats, restart, stop, signal N, env-next)",
                 tok[1]);
        return -EINVAL;
    }
    if (strlen(tok[2]) >= sizeof out->glob) {
        snprintf(err, errsz, "FMP pattern longer than %d bytes", FR_CONTROL_GLOB_MAX - 1);
        return -EINVAL;
    }
    snprintf(out->glob, sizeof out->glob, "%s", tok[2]);
    if (out->action != FR_CONTROL_SIGNAL) {
        if (ntok != 3) {
            snprintf(err, errsz, "action %s takes no argument", tok[1]);
            return -EINVAL;
        }
        return 0;
    }
    if (ntok != 4) {
        snprintf(err, errsz, "action signal takes a signal number");
        return -EINVAL;
    }
    int n = 0;
    for (const char *p = tok[3]; *p; p++) {
        if (*p < '0' || *p > '9' || n > SIGRTMAX) {
            n = -1;
            break;
        }
        n = n * 10 + (*p - '0');
    }
    if (n < 1 || n > SIGRTMAX) {
        snprintf(err, errsz, "'%.16s' is not a signal number (1 to %d)", tok[3], SIGRTMAX);
        return -EINVAL;
    }
    out->signo = n;
    return 0;
}

size_t fr__control_name(char *buf, size_t cap, uid_t uid, pid_t pid)
{
    int n;

    if (cap < 2)
        return 0;
    buf[0] = '\0';
    n = snprintf(buf + 1, cap - 1, FR_CONTROL_PREFIX "%u/%d", (unsigned)uid, (int)pid);
    if (n < 0 || (size_t)n >= cap - 1)
        return 0;
    return (size_t)n + 1;
}
