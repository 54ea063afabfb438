/*
 * static.c - module "files": sending a regular file (GET, HEAD, and 304 for
 * a conditional GET).  It writes to the client's socket, so it has effects
 * outside its FMP: a restart would replay the call and send twice, and a
 * replica would send again, so it claims no capability.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "response.h"
#include "sendall.h"

/* Static helpers of this file belong to the module too (FR_MODULE moves
 * only the function it stands on). */
FRACTURE_MODULE(files, 0);

FR_MODULE(files, 0)
struct result static_serve(FR_FD int fd, const struct request *r, const char *fspath, const char *date)
{
    struct result res = { 0, 0, 0 };
    struct head h;
    struct stat st;
    char head[4096 + URI_MAX], buf[65536];
    size_t hl;
    int f = open(fspath, O_RDONLY | O_CLOEXEC);

    if (f < 0) {
        res.status = errno == EACCES ? 403 : 404;
        return res;
    }
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
        res.status = 404;
        goto out;
    }
    memset(&h, 0, sizeof h);
    snprintf(h.date, sizeof h.date, "%s", date);
    h.keep_alive = r->keep_alive;
    h.last_modified = (long long)st.st_mtime;
    h.length = (long long)st.st_size;
    h.status = 200;
    snprintf(h.content_type, sizeof h.content_type, "%s", mime_type(fspath));
    if (r->if_modified_since >= 0 && (long long)st.st_mtime <= r->if_modified_since) {
        h.status = 304;
        h.length = -1;
        h.content_type[0] = '\0';
    }
    hl = http_head(head, sizeof head, &h);
    res.status = h.status;
    res.sent = 1;
    if (!hl || send_all(fd, head, hl) != 0)
        goto out;
    if (h.status != 200 || strcmp(r->method, "HEAD") == 0)
        goto out;
    for (;;) {
        ssize_t n = read(f, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || send_all(fd, buf, (size_t)n) != 0)
            break;
        res.bytes += n;
    }
out:
    close(f);
    return res;
}
