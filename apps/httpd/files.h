/*
 * files.h - the static side of the server: mapping a URL path into the
 * document root, MIME types, sending a file, listing a directory.
 */
#ifndef HTTPD_FILES_H
#define HTTPD_FILES_H

#include <stddef.h>
#include "httpd.h"

/* The Fracture annotations of these functions stand on their definitions,
 * beside their FR_MODULE. */

/* Decodes urlpath (%xx) and maps it under c->root into fs (cap bytes).
 * 0, or 400 (bad encoding, NUL), 403 (a ".." segment, or a path that
 * leaves the root through a link), 404; or, fractured, 503 when the call
 * fails (FR_ON_FAILURE: the resolve FMP is gone, or a meta-application such
 * as the fault injector failed it): the client is told to come back. */
int path_resolve(const struct conf *c, const char *urlpath, char *fs, size_t cap);

/* The MIME type for a file name, by extension; static storage. */
const char *mime_type(const char *name);

/* Sends the regular file fspath on the socket fd as the answer to r: 200
 * (GET, HEAD) or 304 (If-Modified-Since).  If it sent nothing, the result
 * says which error the caller should send (403, 404, 500). */
struct result static_serve(int fd, const struct request *r, const char *fspath,
                           const char *date);

/* An HTML listing of directory fspath (shown as urlpath), sorted by name;
 * malloc'ed, the caller frees; NULL if it cannot be read. */
char *dir_listing(const char *fspath, const char *urlpath);

#endif
