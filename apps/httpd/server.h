/*
 * server.h - the listening socket and the pool of worker threads.
 */
#ifndef HTTPD_SERVER_H
#define HTTPD_SERVER_H

#include "httpd.h"

/* Binds c->port (0: any free one) on loopback or any address; the socket,
 * c->port set to the port bound, or -1. */
int server_listen(struct conf *c, int any_addr);

/* Accepts on lfd and serves with c->threads workers until SIGTERM or
 * SIGINT; then lets every worker finish its request and returns. */
int server_run(int lfd, const struct conf *c);

#endif
