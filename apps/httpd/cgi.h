/*
 * cgi.h - CGI/1.1 (RFC 3875): running a script, and reading the head of
 * its output.
 */
#ifndef HTTPD_CGI_H
#define HTTPD_CGI_H

#include <stddef.h>
#include "httpd.h"

/* The Fracture annotations of these functions stand on their definitions,
 * beside their FR_MODULE. */

/* Where the script is and what it is called, besides the request. */
struct cgi_call {
    char script[PATH_LEN];        /* file system path of the script */
    char script_name[URI_MAX + 1];/* SCRIPT_NAME, "/cgi-bin/x" */
    char path_info[URI_MAX + 1];  /* PATH_INFO, may be "" */
    char remote_addr[64];
    char date[40];
};

/* What the script's output says about the response. */
struct cgi_head {
    int status;                   /* Status:, else 302 with Location, else 200 */
    char content_type[128];
    char location[URI_MAX + 1];
    long long body_off;           /* where the body starts in the output */
};

/* Runs the script for request r with its body and answers on the socket
 * fd.  If it sent nothing, the result says which error to send (502 for a
 * script that failed or wrote no valid head, 500). */
struct result cgi_run(int fd, const struct conf *c, const struct request *r,
                      const struct cgi_call *call, const char *body,
                      size_t bodylen);

/* Reads the CGI header lines at the start of out[0..len) into *h; 0, or
 * -1 if they are not a valid CGI head. */
int cgi_parse_output(const char *out, size_t len, struct cgi_head *h);

#endif
