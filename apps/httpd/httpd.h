/*
 * httpd.h - what every part of the server shares: limits, the server's
 * configuration and the parsed request.
 *
 * The structs here cross module boundaries by value or through const
 * pointers, so they hold arrays and never pointers: a module in another FMP
 * gets a complete copy with nothing to annotate.  Configuration is passed
 * to whoever needs it (no global is read across modules).
 */
#ifndef HTTPD_H
#define HTTPD_H

/* The annotations expand to nothing for a plain compiler; without Fracture
 * installed at all the server still builds. */
#if defined(__has_include)
#if __has_include(<fracture/fracture.h>)
#include <fracture/fracture.h>
#define HTTPD_HAVE_FRACTURE 1
#endif
#endif
#ifndef HTTPD_HAVE_FRACTURE
#define FRACTURE_MODULE(name, caps) struct httpd_module_unused
#define FR_MODULE(name, caps)
#define FR_IN(n)
#define FR_OUT(n)
#define FR_INOUT(n)
#define FR_STRING
#define FR_FD
#define FR_INIT
#define FR_RET_STRING
#define FR_RET_OWNED
#define FR_ON_FAILURE(value, err)
#endif

#define HTTPD_SOFTWARE "fracture-httpd/0.1"

#define URI_MAX 2048           /* longer targets: 414 */
#define HDR_LINE_MAX 8192      /* a longer header line: 431 */
#define HEAD_MAX 16384         /* request line and headers together: 431 */
#define BODY_MAX (1 << 20)     /* a longer request body: 413 */
#define PATH_LEN 1024          /* file system paths */

struct conf {
    char root[PATH_LEN];       /* the document root, resolved */
    char server_name[64];
    int port;                  /* the port really bound */
    int threads;
};

struct request {
    char method[16];
    char target[URI_MAX + 1];  /* as sent */
    char path[URI_MAX + 1];    /* target up to '?', still %-encoded */
    char query[URI_MAX + 1];   /* after '?' */
    char version[16];          /* "HTTP/1.1" */
    char content_type[256];
    long long content_length;  /* -1: none */
    long long if_modified_since; /* seconds since the epoch, -1: none */
    int keep_alive;
    int chunked;               /* a Transfer-Encoding we do not decode */
    unsigned head_len;         /* bytes the request line and headers took */
};

/* What a handler did, for the access log and the connection loop. */
struct result {
    int status;                /* sent, or to be sent by the caller if !sent */
    int sent;                  /* a response went out on the socket */
    long long bytes;           /* body bytes sent */
};

#endif /* HTTPD_H */
