/*
 * irc_peer.c - the scripted peers of the chat tests (see irc_peer.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "irc_peer.h"
#include "leftovers.h"

static struct sockaddr_in loopback(int port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

int free_port(void)
{
    struct sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        FAIL("free_port: %s", strerror(errno));
    close(fd);
    return ntohs(a.sin_port);
}

int port_open(int port)
{
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), ok;

    if (fd < 0)
        return 0;
    ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void peer_send(struct peer *p, const char *fmt, ...)
{
    char line[8192];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line - 2, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n > sizeof line - 3)
        FAIL("peer_send: line too long");
    memcpy(line + n, "\r\n", 2);
    if (send(p->fd, line, (size_t)n + 2, MSG_NOSIGNAL) != n + 2)
        FAIL("peer %s: send: %s", p->nick, strerror(errno));
}

/* The next whole line into p->last, within deadline; 0, or -1 at the
 * deadline. */
static int next_line(struct peer *p, double deadline)
{
    for (;;) {
        char *nl = memchr(p->buf, '\n', p->len);
        struct pollfd pf = {.fd = p->fd, .events = POLLIN};
        double left;
        ssize_t r;

        if (nl) {
            size_t n = (size_t)(nl - p->buf);
            size_t keep = n < sizeof p->last - 1 ? n : sizeof p->last - 1;
            memcpy(p->last, p->buf, keep);
            p->last[keep] = '\0';
            if (keep && p->last[keep - 1] == '\r')
                p->last[keep - 1] = '\0';
            p->len -= n + 1;
            memmove(p->buf, nl + 1, p->len);
            return 0;
        }
        left = deadline - now_s();
        if (left <= 0)
            return -1;
        if (poll(&pf, 1, (int)(left * 1000) + 1) <= 0)
            continue;
        r = read(p->fd, p->buf + p->len, sizeof p->buf - p->len);
        if (r <= 0)
            FAIL("peer %s: the connection ended (%s)", p->nick, r ? strerror(errno) : "EOF");
        p->len += (size_t)r;
        if (p->len == sizeof p->buf)
            FAIL("peer %s: a line longer than %zu bytes", p->nick, sizeof p->buf);
    }
}

void peer_wait(struct peer *p, const char *needle, int secs)
{
    double deadline = now_s() + secs;

    while (next_line(p, deadline) == 0) {
        if (strncmp(p->last, "PING ", 5) == 0)
            peer_send(p, "PONG %s", p->last + 5);
        if (strstr(p->last, needle))
            return;
    }
    FAIL("peer %s: no line with \"%s\" in %d s", p->nick, needle, secs);
}

static struct peer *peer_new(int fd, const char *nick)
{
    struct peer *p = calloc(1, sizeof *p);

    if (!p)
        FAIL("out of memory");
    p->fd = fd;
    snprintf(p->nick, sizeof p->nick, "%s", nick);
    return p;
}

struct peer *peer_open(int port, const char *nick)
{
    struct sockaddr_in a = loopback(port);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct peer *p;

    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0)
        FAIL("peer %s: connect to port %d: %s", nick, port, strerror(errno));
    p = peer_new(fd, nick);
    peer_send(p, "NICK %s", nick);
    peer_send(p, "USER %s 0 * :scripted peer %s", nick, nick);
    peer_wait(p, " 001 ", 10);
    return p;
}

void peer_close(struct peer *p)
{
    if (!p)
        return;
    close(p->fd);
    free(p);
}

int fake_listen(int port)
{
    struct sockaddr_in a = loopback(port);
    int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        FAIL("fake_listen: %s", strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 4) != 0)
        FAIL("fake_listen: port %d: %s", port, strerror(errno));
    return fd;
}

struct peer *fake_accept(int lfd, int secs)
{
    struct pollfd pf = {.fd = lfd, .events = POLLIN};
    struct peer *p;
    int fd;

    if (poll(&pf, 1, secs * 1000) != 1)
        FAIL("the client did not connect to the fake server in %d s", secs);
    fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        FAIL("accept: %s", strerror(errno));
    p = peer_new(fd, "fake-server");
    peer_wait(p, "USER ", 10);
    return p;
}
