/*
 * net.c - the connection to the server (root): connect, send a line, read
 * what came and cut it into lines.  A line longer than IRC_LINE_MAX is cut
 * there and the rest dropped; one up to it goes to the parser whole, as
 * RFC 2812's 512 bytes are a promise a hostile server need not keep.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"

int net_connect(struct client *c)
{
    struct addrinfo hints, *res, *ai;
    int fd = -1, rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(c->opt.server, c->opt.port, &hints, &res);
    if (rc != 0)
        return rc == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
    rc = -ECONNREFUSED;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            rc = -errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            break;
        rc = -errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        return rc;
    c->fd = fd;
    c->inlen = 0;
    return 0;
}

int net_send(struct client *c, const char *fmt, ...)
{
    char line[IRC_LINE_MAX];
    va_list ap;
    int n;
    size_t off = 0;

    if (c->fd < 0)
        return -ENOTCONN;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -EINVAL;
    if ((size_t)n > sizeof line - 3)
        n = (int)sizeof line - 3;
    /* A CR or LF typed into a message would end the line early. */
    for (int i = 0; i < n; i++)
        if (line[i] == '\r' || line[i] == '\n')
            line[i] = ' ';
    memcpy(line + n, "\r\n", 2);
    n += 2;
    while (off < (size_t)n) {
        ssize_t w = send(c->fd, line + off, (size_t)n - off, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        off += (size_t)w;
    }
    return 0;
}

int net_read(struct client *c)
{
    ssize_t r = read(c->fd, c->inbuf + c->inlen, sizeof c->inbuf - c->inlen - 1);
    char *p, *nl;

    if (r < 0)
        return errno == EINTR || errno == EAGAIN ? 0 : -errno;
    if (r == 0)
        return -EPIPE;
    c->inlen += (size_t)r;
    c->inbuf[c->inlen] = '\0';
    p = c->inbuf;
    while ((nl = memchr(p, '\n', c->inlen - (size_t)(p - c->inbuf))) != NULL) {
        *nl = '\0';
        if (nl > p && nl[-1] == '\r')
            nl[-1] = '\0';
        if (c->discarding) {
            c->discarding = 0;
        } else {
            if (strlen(p) >= IRC_LINE_MAX)
                p[IRC_LINE_MAX - 1] = '\0';
            if (*p)
                session_line(c, p);
        }
        p = nl + 1;
        if (c->fd < 0)
            return -EPIPE;
    }
    c->inlen -= (size_t)(p - c->inbuf);
    memmove(c->inbuf, p, c->inlen);
    if (c->inlen >= IRC_LINE_MAX) {
        /* No end in sight: keep what a line may hold, drop the rest. */
        c->inbuf[IRC_LINE_MAX - 1] = '\0';
        session_line(c, c->inbuf);
        c->inlen = 0;
        c->discarding = 1;
    }
    return 0;
}

void net_close(struct client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}
