/*
 * response.h - formatting responses: the status line and headers, the
 * reason phrases, and the small HTML page sent with an error.
 */
#ifndef HTTPD_RESPONSE_H
#define HTTPD_RESPONSE_H

#include <stddef.h>
#include <time.h>
#include "httpd.h"

/* The Fracture annotations of these functions stand on their definitions,
 * beside their FR_MODULE. */

/* Everything the head of a response says.  Arrays only: it crosses
 * modules by copy. */
struct head {
    int status;
    int keep_alive;
    int allow;                 /* add "Allow: GET, HEAD, POST" (405) */
    long long length;          /* Content-Length, -1: none */
    long long last_modified;   /* -1: none */
    char date[40];             /* the Date header, formatted by the caller */
    char content_type[128];    /* "": none */
    char location[URI_MAX + 1];/* "": none */
};

/* Writes the head into out (at most cap bytes, NUL-terminated); its
 * length, or 0 if it does not fit. */
size_t http_head(char *out, size_t cap, const struct head *h);

/* The reason phrase of status ("Not Found"); static storage. */
const char *http_reason(int status);

/* The HTML body sent with an error status; malloc'ed, the caller frees. */
char *error_page(int status);

/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into out[40].  Static
 * inline on purpose: it is compiled into each module that uses it, so it is
 * never a call to another module (module main, in the root). */
static inline void http_date(long long t, char out[40])
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

#endif
