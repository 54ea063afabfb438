/*
 * conn.c - one connection: read a request head, parse it (module parser),
 * route it to a handler (files, listing, cgi), send errors, log.  Module
 * main: it runs on the worker threads of the pool, in the root, and every
 * handler it calls may be in another FMP, so it passes each what it needs
 * (the configuration, the request, the socket as FR_FD) and keeps nothing
 * shared with them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "accesslog.h"
#include "cgi.h"
#include "conn.h"
#include "files.h"
#include "request.h"
#include "response.h"
#include "sendall.h"

#define IDLE_MS 10000   /* a keep-alive connection idle this long is closed */
#define POLL_MS 200     /* how often a waiting worker looks at *stop */

struct conn {
    int fd;
    const struct conf *c;
    atomic_int *stop;
    char buf[HEAD_MAX];
    size_t len;          /* bytes in buf */
    char remote[64];
};

/* Waits for input; 1 ready, 0 on stop or idle timeout, -1 on error. */
static int wait_input(struct conn *cn, int idle_ms)
{
    for (int waited = 0; waited < idle_ms; waited += POLL_MS) {
        struct pollfd p = { cn->fd, POLLIN, 0 };
        int n;
        if (atomic_load(cn->stop))
            return 0;
        n = poll(&p, 1, POLL_MS);
        if (n > 0)
            return 1;
        if (n < 0 && errno != EINTR)
            return -1;
    }
    return 0;
}

/* Reads more bytes into the buffer; >0 read, 0 closed/stopped, -1 error. */
static ssize_t fill(struct conn *cn, int idle_ms)
{
    ssize_t n;
    int w = wait_input(cn, idle_ms);

    if (w <= 0)
        return w;
    do
        n = recv(cn->fd, cn->buf + cn->len, sizeof cn->buf - cn->len, 0);
    while (n < 0 && errno == EINTR);
    if (n > 0)
        cn->len += (size_t)n;
    return n;
}

static const char *head_end(const char *p, size_t len)
{
    for (size_t i = 3; i < len; i++)
        if (p[i] == '\n' && p[i - 1] == '\r' && p[i - 2] == '\n' && p[i - 3] == '\r')
            return p + i + 1;
    return NULL;
}

static void now_date(char out[40])
{
    http_date((long long)time(NULL), out);
}

/* Sends an error page (or, for 301, a redirect); the connection stays open
 * only if keep says so. */
static struct result send_error(struct conn *cn, int status, int keep, int head_only,
                                const char *location)
{
    struct result res = { status, 1, 0 };
    struct head h;
    char head[4096 + URI_MAX];
    char *page = error_page(status);
    size_t hl, plen = page ? strlen(page) : 0;

    memset(&h, 0, sizeof h);
    now_date(h.date);
    h.status = status;
    h.keep_alive = keep;
    h.allow = status == 405;
    h.last_modified = -1;
    h.length = (long long)plen;
    snprintf(h.content_type, sizeof h.content_type, "text/html; charset=utf-8");
    if (location)
        snprintf(h.location, sizeof h.location, "%s", location);
    hl = http_head(head, sizeof head, &h);
    if (hl && send_all(cn->fd, head, hl) == 0 && !head_only && plen &&
        send_all(cn->fd, page, plen) == 0)
        res.bytes = (long long)plen;
    free(page);
    return res;
}

static struct result send_page(struct conn *cn, const struct request *r, char *page)
{
    struct result res = { 200, 1, 0 };
    struct head h;
    char head[4096];
    size_t hl, plen = strlen(page);

    memset(&h, 0, sizeof h);
    now_date(h.date);
    h.status = 200;
    h.keep_alive = r->keep_alive;
    h.last_modified = -1;
    h.length = (long long)plen;
    snprintf(h.content_type, sizeof h.content_type, "text/html; charset=utf-8");
    hl = http_head(head, sizeof head, &h);
    if (hl && send_all(cn->fd, head, hl) == 0 && strcmp(r->method, "HEAD") != 0 &&
        send_all(cn->fd, page, plen) == 0)
        res.bytes = (long long)plen;
    return res;
}

/* /cgi-bin/NAME[/PATH_INFO] */
static struct result route_cgi(struct conn *cn, const struct request *r, const char *body,
                               size_t bodylen)
{
    struct result res = { 0, 0, 0 };
    struct cgi_call *call = calloc(1, sizeof *call);
    const char *name = r->path + strlen("/cgi-bin/"), *slash = strchr(name, '/');
    struct stat st;

    if (!call) {
        res.status = 500;
        return res;
    }
    snprintf(call->script_name, sizeof call->script_name, "%.*s",
             (int)(slash ? (size_t)(slash - r->path) : strlen(r->path)), r->path);
    snprintf(call->path_info, sizeof call->path_info, "%s", slash ? slash : "");
    snprintf(call->remote_addr, sizeof call->remote_addr, "%s", cn->remote);
    now_date(call->date);
    if (!*name || name[0] == '/')
        res.status = 403;
    else
        res.status = path_resolve(cn->c, call->script_name, call->script, sizeof call->script);
    if (res.status == 0 &&
        (stat(call->script, &st) != 0 || !S_ISREG(st.st_mode) || access(call->script, X_OK)))
        res.status = 403;
    if (res.status == 0)
        res = cgi_run(cn->fd, cn->c, r, call, body, bodylen);
    free(call);
    return res;
}

/* Static files, index.html, listings. */
static struct result route_static(struct conn *cn, const struct request *r)
{
    struct result res = { 0, 0, 0 };
    char fs[PATH_LEN], idx[PATH_LEN + 16], date[40];
    struct stat st;

    if ((res.status = path_resolve(cn->c, r->path, fs, sizeof fs)))
        return res;
    if (stat(fs, &st) != 0) {
        res.status = 404;
        return res;
    }
    now_date(date);
    if (S_ISDIR(st.st_mode)) {
        size_t n = strlen(r->path);
        if (n == 0 || r->path[n - 1] != '/') {
            char loc[URI_MAX + 2];
            snprintf(loc, sizeof loc, "%s/", r->path);
            return send_error(cn, 301, r->keep_alive, strcmp(r->method, "HEAD") == 0, loc);
        }
        snprintf(idx, sizeof idx, "%s/index.html", fs);
        if (stat(idx, &st) == 0 && S_ISREG(st.st_mode))
            return static_serve(cn->fd, r, idx, date);
        char *page = dir_listing(fs, r->path);
        if (!page) {
            res.status = 403;
            return res;
        }
        res = send_page(cn, r, page);
        free(page);
        return res;
    }
    if (!S_ISREG(st.st_mode)) {
        res.status = 403;
        return res;
    }
    return static_serve(cn->fd, r, fs, date);
}

static void log_it(struct conn *cn, const struct request *r, const struct result *res)
{
    struct log_entry e;

    memset(&e, 0, sizeof e);
    snprintf(e.remote, sizeof e.remote, "%s", cn->remote);
    if (r && r->method[0])
        snprintf(e.line, sizeof e.line, "%s %s %s", r->method, r->target, r->version);
    else
        snprintf(e.line, sizeof e.line, "-");
    e.status = res->status;
    e.bytes = res->bytes;
    e.when = (long long)time(NULL);
    log_request(&e);
}

/* One request: 1 to go on with the connection, 0 to close it. */
static int serve_one(struct conn *cn, struct request *r)
{
    const char *end;
    struct result res = { 0, 0, 0 };
    char *body = NULL;
    size_t bodylen = 0;
    int status, keep;

    while (!(end = head_end(cn->buf, cn->len)) && cn->len < sizeof cn->buf) {
        ssize_t n = fill(cn, IDLE_MS);
        if (n <= 0) {
            if (cn->len == 0 || n < 0)
                return 0;
            /* closed mid-head */
            res = send_error(cn, 400, 0, 0, NULL);
            log_it(cn, NULL, &res);
            return 0;
        }
    }
    status = http_parse(cn->buf, end ? (size_t)(end - cn->buf) : cn->len, end != NULL, r);
    if (status) {
        res = send_error(cn, status, 0, 0, NULL);
        log_it(cn, r, &res);
        return 0;
    }
    /* Keep the bytes after the head (a body, a pipelined request). */
    memmove(cn->buf, cn->buf + r->head_len, cn->len - r->head_len);
    cn->len -= r->head_len;
    keep = r->keep_alive;

    if (r->chunked) {
        res = send_error(cn, 501, 0, 0, NULL);
        goto done_close;
    }
    if (r->content_length > BODY_MAX) {
        res = send_error(cn, 413, 0, 0, NULL);
        goto done_close;
    }
    if (r->content_length > 0) {
        bodylen = (size_t)r->content_length;
        if (!(body = malloc(bodylen))) {
            res = send_error(cn, 500, 0, 0, NULL);
            goto done_close;
        }
        size_t have = cn->len < bodylen ? cn->len : bodylen;
        memcpy(body, cn->buf, have);
        memmove(cn->buf, cn->buf + have, cn->len - have);
        cn->len -= have;
        while (have < bodylen) {
            ssize_t n;
            if (wait_input(cn, IDLE_MS) <= 0)
                goto done_close;
            n = recv(cn->fd, body + have, bodylen - have, 0);
            if (n <= 0 && !(n < 0 && errno == EINTR))
                goto done_close;
            if (n > 0)
                have += (size_t)n;
        }
    }

    int head_only = strcmp(r->method, "HEAD") == 0;
    if (strcmp(r->method, "GET") != 0 && !head_only && strcmp(r->method, "POST") != 0) {
        res = send_error(cn, 405, keep, 0, NULL);
    } else if (strncmp(r->path, "/cgi-bin/", 9) == 0) {
        res = route_cgi(cn, r, body ? body : "", bodylen);
    } else if (strcmp(r->method, "POST") == 0) {
        res = send_error(cn, 405, keep, 0, NULL);
    } else {
        res = route_static(cn, r);
    }
    if (!res.sent)
        res = send_error(cn, res.status, keep, head_only, NULL);
    free(body);
    log_it(cn, r, &res);
    return keep;

done_close:
    free(body);
    log_it(cn, r, &res);
    return 0;
}

void conn_serve(int fd, const struct conf *c, atomic_int *stop)
{
    struct conn *cn = malloc(sizeof *cn);
    struct request *r = malloc(sizeof *r);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;

    if (!cn || !r)
        goto out;
    cn->fd = fd;
    cn->c = c;
    cn->stop = stop;
    cn->len = 0;
    snprintf(cn->remote, sizeof cn->remote, "-");
    if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET)
            inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, cn->remote,
                      sizeof cn->remote);
        else if (ss.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, cn->remote,
                      sizeof cn->remote);
    }
    while (!atomic_load(stop) && serve_one(cn, r))
        ;
    /* A lingering close: unread request bytes (a refused body) would make
     * close() send a reset that can destroy the answer before the client
     * reads it.  Drain briefly once our side is shut. */
    shutdown(fd, SHUT_WR);
    for (int i = 0; i < 5; i++) {
        struct pollfd p = { fd, POLLIN, 0 };
        if (poll(&p, 1, 100) <= 0 || recv(fd, cn->buf, sizeof cn->buf, 0) <= 0)
            break;
    }
out:
    free(r);
    free(cn);
    close(fd);
}
