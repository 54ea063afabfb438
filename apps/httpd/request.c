/*
 * request.c - module "parser": HTTP/1.x request line and headers into a
 * struct request.  Pure: bytes in, a struct out, no state, so it may be
 * restarted, replicated and sampled.  It meets untrusted bytes first, and it
 * carries the deliberate bug that the parser-rx and parser-sample configs
 * exist to catch (see parse_header_line).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "request.h"

/* Static helpers of this file belong to the module too (FR_MODULE moves
 * only the function it stands on). */
FRACTURE_MODULE(parser, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE);

/* Each header line is copied into a buffer of this size to be split. */
#define HDR_LINE_BUF 2048

static int is_tchar(int c)
{
    return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static const char *find_crlf(const char *p, const char *end)
{
    for (; p + 1 < end; p++)
        if (p[0] == '\r' && p[1] == '\n')
            return p;
    return NULL;
}

/* RFC 7231 IMF-fixdate; -1 if it is not one (the header is then ignored,
 * as RFC 7232 asks). */
static long long parse_http_date(const char *s)
{
    struct tm tm;
    const char *end;

    memset(&tm, 0, sizeof tm);
    end = strptime(s, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (!end || *end)
        return -1;
    return (long long)timegm(&tm);
}

static int has_token(const char *list, const char *tok)
{
    size_t n = strlen(tok);

    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (strncasecmp(p, tok, n) == 0 && (!p[n] || p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
            return 1;
        while (*p && *p != ',')
            p++;
    }
    return 0;
}

static void copy_field(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);

    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* One header line, p[0..n) without its CRLF; 0 or a status. */
static int parse_header_line(const char *p, size_t n, struct request *req, int *conn_close,
                             int *conn_keep)
{
    char *line, *colon, *value, *e;
    int status = 0;

    if (n > HDR_LINE_MAX)
        return 431;
    /*
     * DELIBERATE BUG (issue 5): the line is copied into a fixed buffer of
     * HDR_LINE_BUF bytes, bounded only by HDR_LINE_MAX (8 KiB), so a header
     * line longer than 2 KiB overruns the heap.  The buffer is larger than
     * glibc's tcache sizes on purpose: its free() then checks the next
     * chunk's header, which the overflow has overwritten, and the plain
     * server aborts ("free(): invalid next size") on every such request.
     * Under rx-alloc with RX_PAD >= 6 KiB the overflow lands in padding.
     */
    line = malloc(HDR_LINE_BUF);
    if (!line)
        return 500;
    memcpy(line, p, n);
    line[n] = '\0';

    colon = strchr(line, ':');
    if (!colon || colon == line) {
        status = 400;
        goto out;
    }
    *colon = '\0';
    for (char *q = line; *q; q++)
        if (!is_tchar((unsigned char)*q)) {   /* also refuses "Name :" */
            status = 400;
            goto out;
        }
    value = colon + 1;
    while (*value == ' ' || *value == '\t')
        value++;
    e = value + strlen(value);
    while (e > value && (e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';

    if (strcasecmp(line, "Content-Length") == 0) {
        long long v = 0;
        if (!*value) {
            status = 400;
            goto out;
        }
        for (const char *q = value; *q; q++) {
            if (!isdigit((unsigned char)*q) || v > (1LL << 50)) {
                status = 400;
                goto out;
            }
            v = v * 10 + (*q - '0');
        }
        if (req->content_length >= 0 && req->content_length != v) {
            status = 400;   /* two different lengths: request smuggling */
            goto out;
        }
        req->content_length = v;
    } else if (strcasecmp(line, "Content-Type") == 0) {
        copy_field(req->content_type, sizeof req->content_type, value);
    } else if (strcasecmp(line, "Connection") == 0) {
        *conn_close |= has_token(value, "close");
        *conn_keep |= has_token(value, "keep-alive");
    } else if (strcasecmp(line, "If-Modified-Since") == 0) {
        req->if_modified_since = parse_http_date(value);
    } else if (strcasecmp(line, "Transfer-Encoding") == 0) {
        if (strcasecmp(value, "identity") != 0)
            req->chunked = 1;
    }
out:
    free(line);
    return status;
}

/* "METHOD SP TARGET SP HTTP/x.y", p[0..n) */
static int parse_request_line(const char *p, size_t n, struct request *req)
{
    const char *sp1 = memchr(p, ' ', n), *sp2, *q, *end = p + n;
    size_t tlen;

    if (!sp1 || sp1 == p || (size_t)(sp1 - p) >= sizeof req->method)
        return sp1 && sp1 != p ? 501 : 400;   /* a method longer than any we know */
    for (q = p; q < sp1; q++)
        if (!is_tchar((unsigned char)*q))
            return 400;
    memcpy(req->method, p, (size_t)(sp1 - p));
    req->method[sp1 - p] = '\0';

    sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
    if (!sp2) {
        /* No version: either HTTP/0.9 or a target too long to be a line. */
        return (size_t)(end - sp1 - 1) > URI_MAX ? 414 : 400;
    }
    tlen = (size_t)(sp2 - sp1 - 1);
    if (tlen > URI_MAX)
        return 414;
    if (tlen == 0 || sp1[1] != '/')
        return 400;
    for (q = sp1 + 1; q < sp2; q++)
        if ((unsigned char)*q <= ' ' || (unsigned char)*q >= 0x7f)
            return 400;
    memcpy(req->target, sp1 + 1, tlen);
    req->target[tlen] = '\0';

    if ((size_t)(end - sp2 - 1) >= sizeof req->version)
        return 400;
    memcpy(req->version, sp2 + 1, (size_t)(end - sp2 - 1));
    req->version[end - sp2 - 1] = '\0';
    if (strncmp(req->version, "HTTP/", 5) != 0 || !isdigit((unsigned char)req->version[5]) ||
        req->version[6] != '.' || !isdigit((unsigned char)req->version[7]) || req->version[8])
        return 400;
    if (req->version[5] != '1')
        return 505;

    q = strchr(req->target, '?');
    if (q) {
        memcpy(req->path, req->target, (size_t)(q - req->target));
        req->path[q - req->target] = '\0';
        copy_field(req->query, sizeof req->query, q + 1);
    } else {
        copy_field(req->path, sizeof req->path, req->target);
        req->query[0] = '\0';
    }
    return 0;
}

FR_MODULE(parser, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE)
int http_parse(FR_IN(len) const char *buf, size_t len, int complete,
               FR_OUT(1) struct request *req)
{
    const char *p = buf, *end = buf + len, *eol;
    int status, conn_close = 0, conn_keep = 0, have_host = 0;

    memset(req, 0, sizeof *req);
    req->content_length = -1;
    req->if_modified_since = -1;

    /* RFC 7230 3.5: ignore empty lines before the request line. */
    while (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
        p += 2;
    eol = find_crlf(p, end);
    if (!eol)
        return complete ? 400 : (size_t)(end - p) > URI_MAX ? 414 : 431;
    if ((status = parse_request_line(p, (size_t)(eol - p), req)))
        return status;

    for (p = eol + 2; p < end; p = eol + 2) {
        eol = find_crlf(p, end);
        if (!eol)
            return complete ? 400 : 431;   /* a header line or the head too large */
        if (eol == p) {
            req->head_len = (unsigned)(eol + 2 - buf);
            break;
        }
        if (*p == ' ' || *p == '\t')
            return 400;   /* obsolete line folding (RFC 7230 3.2.4) */
        if ((size_t)(eol - p) > 4 && strncasecmp(p, "Host:", 5) == 0)
            have_host = 1;
        if ((status = parse_header_line(p, (size_t)(eol - p), req, &conn_close, &conn_keep)))
            return status;
    }
    if (!req->head_len)
        return complete ? 400 : 431;
    if (strcmp(req->version, "HTTP/1.1") == 0) {
        if (!have_host)
            return 400;   /* RFC 7230 5.4 */
        req->keep_alive = !conn_close;
    } else {
        req->keep_alive = 0;   /* HTTP/1.0 closes */
    }
    (void)conn_keep;
    return 0;
}
