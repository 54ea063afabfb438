/*
 * client.c - the test client: what curl would do, minus everything that
 * would hide a server's mistake (it sends bytes exactly as given, reads
 * responses by their own framing, and never retries).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "client.h"

void buf_add(struct buf *b, const void *p, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        if (!(b->p = realloc(b->p, b->cap))) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_free(struct buf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

int client_connect(int port)
{
    struct sockaddr_in a;
    struct timeval tv = { 20, 0 };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int client_send(int fd, const char *req, size_t len)
{
    while (len) {
        ssize_t n = send(fd, req, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        req += n;
        len -= (size_t)n;
    }
    return 0;
}


/* Bytes received but not yet part of a response, per connection: the
 * tests use one connection at a time per thread. */
static _Thread_local struct buf pending;

static int more(int fd)
{
    char tmp[65536];
    ssize_t n;

    do
        n = recv(fd, tmp, sizeof tmp, 0);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return 0;
    buf_add(&pending, tmp, (size_t)n);
    return 1;
}

void client_read_all(int fd, struct buf *out)
{
    char tmp[65536];

    if (pending.len)   /* what a framed read took ahead */
        buf_add(out, pending.p, pending.len);
    buf_free(&pending);
    for (;;) {
        ssize_t n = recv(fd, tmp, sizeof tmp, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        buf_add(out, tmp, (size_t)n);
    }
}

int client_read_response(int fd, int head_request, struct buf *out)
{
    char *end;
    size_t hl, body = 0;
    int status = 0, framed = 0;

    while (!pending.p || !(end = memmem(pending.p, pending.len, "\r\n\r\n", 4)))
        if (!more(fd)) {
            buf_add(out, pending.p ? pending.p : "", pending.len);
            buf_free(&pending);
            return -1;
        }
    hl = (size_t)(end + 4 - pending.p);
    sscanf(pending.p, "HTTP/1.%*d %d", &status);
    for (char *l = strstr(pending.p, "\r\n"); l && l < end; l = strstr(l + 2, "\r\n"))
        if (strncasecmp(l + 2, "Content-Length:", 15) == 0) {
            body = strtoul(l + 17, NULL, 10);
            framed = 1;
        }
    if (head_request || status == 304 || status == 204 || status / 100 == 1) {
        body = 0;
        framed = 1;
    }
    while (framed ? pending.len < hl + body : more(fd))
        if (framed && !more(fd))
            break;
    if (!framed)
        body = pending.len - hl;
    if (pending.len < hl + body)
        body = pending.len - hl;
    buf_add(out, pending.p, hl + body);
    memmove(pending.p, pending.p + hl + body, pending.len - hl - body);
    pending.len -= hl + body;
    pending.p[pending.len] = '\0';
    return 0;
}

void client_once(int port, const char *req, size_t len, struct buf *out)
{
    int fd = client_connect(port);

    if (fd < 0) {
        buf_adds(out, "<connect failed>");
        return;
    }
    if (client_send(fd, req, len) != 0)
        buf_adds(out, "<send failed>");
    client_read_all(fd, out);
    close(fd);
}
