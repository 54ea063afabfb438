/*
 * conn.h - serving one client connection (module main, in the root).
 */
#ifndef HTTPD_CONN_H
#define HTTPD_CONN_H

#include <stdatomic.h>
#include "httpd.h"

/* Serves requests on fd until the client closes, an answer closes the
 * connection, or *stop is set; closes fd. */
void conn_serve(int fd, const struct conf *c, atomic_int *stop);

#endif
