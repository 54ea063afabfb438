/*
 * cgiout.c - module "cgiout": the head of a CGI script's output (RFC 3875
 * 6.2): Status, Content-Type, Location.  Pure, so it is what the
 * cgi-replicated config replicates: running the script itself twice is not
 * acceptable (a script may change the world: a POST that appends to a file
 * would append twice).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cgi.h"

/* Static helpers of this file belong to the module too (FR_MODULE moves
 * only the function it stands on). */
FRACTURE_MODULE(cgiout, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE);

#define CGI_LINE_MAX 4096

FR_MODULE(cgiout, FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE)
int cgi_parse_output(FR_IN(len) const char *out, size_t len, FR_OUT(1) struct cgi_head *h)
{
    const char *p = out, *end = out + len;

    memset(h, 0, sizeof *h);
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p)), *colon, *v, *ve;
        char name[64];
        size_t n;

        if (!eol || eol - p > CGI_LINE_MAX)
            return -1;
        ve = eol > p && eol[-1] == '\r' ? eol - 1 : eol;   /* LF or CRLF */
        if (ve == p) {   /* the blank line */
            h->body_off = (long long)(eol + 1 - out);
            if (!h->content_type[0] && !h->location[0])
                return -1;
            if (!h->status)
                h->status = h->location[0] ? 302 : 200;
            return 0;
        }
        colon = memchr(p, ':', (size_t)(ve - p));
        if (!colon || colon == p || (size_t)(colon - p) >= sizeof name)
            return -1;
        memcpy(name, p, (size_t)(colon - p));
        name[colon - p] = '\0';
        for (v = colon + 1; v < ve && (*v == ' ' || *v == '\t'); v++)
            ;
        n = (size_t)(ve - v);
        if (strcasecmp(name, "Status") == 0) {
            if (n < 3 || !isdigit((unsigned char)v[0]) || !isdigit((unsigned char)v[1]) ||
                !isdigit((unsigned char)v[2]))
                return -1;
            h->status = (v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0');
            if (h->status < 100 || h->status > 599)
                return -1;
        } else if (strcasecmp(name, "Content-Type") == 0) {
            if (n >= sizeof h->content_type)
                return -1;
            memcpy(h->content_type, v, n);
            h->content_type[n] = '\0';
        } else if (strcasecmp(name, "Location") == 0) {
            if (n >= sizeof h->location)
                return -1;
            memcpy(h->location, v, n);
            h->location[n] = '\0';
        }
        /* other script headers are dropped: this server sets its own */
        p = eol + 1;
    }
    return -1;   /* no blank line */
}
