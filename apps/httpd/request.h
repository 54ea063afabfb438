/*
 * request.h - the request parser: the one module that reads bytes straight
 * from the network.
 */
#ifndef HTTPD_REQUEST_H
#define HTTPD_REQUEST_H

#include <stddef.h>
#include "httpd.h"

/* The Fracture annotations of these functions stand on their definitions,
 * beside their FR_MODULE. */

/* Parses the request line and headers in buf[0..len).  complete says
 * whether buf ends with the blank line; if not, the head was too large.
 * Returns 0 and fills *req, or the HTTP status to answer (400, 414, 431,
 * 505). */
int http_parse(const char *buf, size_t len, int complete,
               struct request *req);

#endif
