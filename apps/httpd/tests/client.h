/*
 * client.h - a small HTTP/1.1 client for the httpd tests: raw requests on
 * loopback, responses read by their framing (Content-Length, or to EOF).
 */
#ifndef HTTPD_TEST_CLIENT_H
#define HTTPD_TEST_CLIENT_H

#include <stddef.h>

struct buf {
    char *p;
    size_t len, cap;
};

void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_free(struct buf *b);

/* A connection to 127.0.0.1:port with a receive timeout; -1 on failure. */
int client_connect(int port);
/* Sends all of req; 0 or -1. */
int client_send(int fd, const char *req, size_t len);
/* Appends everything up to EOF (or the timeout) to out. */
void client_read_all(int fd, struct buf *out);
/* Appends one response to out, framed by its head: no body for HEAD, 1xx,
 * 204 and 304, else Content-Length bytes, else up to EOF.  -1 if the
 * connection ended before a whole head. */
int client_read_response(int fd, int head_request, struct buf *out);
/* One request on its own connection, read to EOF. */
void client_once(int port, const char *req, size_t len, struct buf *out);

#endif
