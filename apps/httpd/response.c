/*
 * response.c - modules "respond" (the head of a response) and "errpage"
 * (error bodies).  Both pure: the Date header comes in from the caller, so
 * replicas of either never disagree on the second they ran in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "response.h"

/* Static helpers of this file belong to the module too (FR_MODULE moves
 * only the function it stands on). */
FRACTURE_MODULE(respond, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE);

FR_MODULE(respond, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE)
FR_RET_STRING const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

FR_MODULE(respond, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE)
size_t http_head(FR_OUT(cap) char *out, size_t cap, const struct head *h)
{
    char lm[40];
    size_t n = 0;
    int k;

#define PUT(...)                                                                   \
    do {                                                                           \
        k = snprintf(out + n, cap - n, __VA_ARGS__);                               \
        if (k < 0 || (size_t)k >= cap - n)                                         \
            return 0;                                                              \
        n += (size_t)k;                                                            \
    } while (0)

    if (cap == 0)
        return 0;
    PUT("HTTP/1.1 %d %s\r\nDate: %s\r\nServer: %s\r\n", h->status, http_reason(h->status),
        h->date, HTTPD_SOFTWARE);
    if (h->last_modified >= 0) {
        http_date(h->last_modified, lm);
        PUT("Last-Modified: %s\r\n", lm);
    }
    if (h->location[0])
        PUT("Location: %s\r\n", h->location);
    if (h->allow)
        PUT("Allow: GET, HEAD, POST\r\n");
    if (h->content_type[0])
        PUT("Content-Type: %s\r\n", h->content_type);
    if (h->length >= 0)
        PUT("Content-Length: %lld\r\n", h->length);
    PUT("Connection: %s\r\n\r\n", h->keep_alive ? "keep-alive" : "close");
#undef PUT
    return n;
}

FR_MODULE(errpage, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE)
FR_RET_STRING FR_RET_OWNED char *error_page(int status)
{
    const char *reason = http_reason(status);   /* module respond */
    size_t cap = 2 * strlen(reason) + 128;
    char *page = malloc(cap);

    if (page)
        snprintf(page, cap,
                 "<html><head><title>%d %s</title></head>\n"
                 "<body><h1>%d %s</h1></body></html>\n",
                 status, reason, status, reason);
    return page;
}
