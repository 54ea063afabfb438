/*
 * accesslog.h - the access log, in Common Log Format.  Module "accesslog"
 * owns the open file: other modules reach it only through these calls.
 */
#ifndef HTTPD_ACCESSLOG_H
#define HTTPD_ACCESSLOG_H

#include "httpd.h"

struct log_entry {
    char remote[64];
    char line[URI_MAX + 64];   /* the request line, "-" if none was read */
    int status;
    long long bytes;
    long long when;            /* seconds since the epoch */
};

/* Opens (appends to) path; 0 or -errno.  Replayed into a restarted FMP. */
FR_INIT int log_open(const char *path);
/* One line for one request; nothing if no log is open. */
void log_request(const struct log_entry *e);
void log_close(void);

#endif
