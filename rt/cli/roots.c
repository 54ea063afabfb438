/*
 * roots.c - finding and asking the roots of running fractured programs
 * (roots.h).  Each root listens on the abstract Unix socket
 * "@fracture/UID/PID" (rt/lib/control.h); /proc/net/unix lists them.  The
 * name alone proves nothing (anyone may bind any abstract name), so the
 * client checks the other end (SO_PEERCRED): the uid must be ours and the
 * pid the one the name says.
 */
#include "roots.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "control_req.h"

/* __SO_ACCEPTCON in /proc/net/unix's Flags: a listening socket */
#define LISTENING 0x10000

static int cmp_pid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

    return (x > y) - (x < y);
}

int fr_roots_find(uid_t uid, pid_t **pids, size_t *n)
{
    char prefix[64], line[512];
    size_t cap = 0, len;
    FILE *f = fopen("/proc/net/unix", "re");

    *pids = NULL;
    *n = 0;
    if (!f)
        return -errno;
    len = (size_t)snprintf(prefix, sizeof prefix, "@" FR_CONTROL_PREFIX "%u/", (unsigned)uid);
    while (fgets(line, sizeof line, f)) {
        unsigned long flags;
        char path[256];
        /* Num RefCount Protocol Flags Type St Inode Path */
        if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %255s", &flags, path) != 2 ||
            !(flags & LISTENING) || strncmp(path, prefix, len) != 0)
            continue;
        char *end;
        long pid = strtol(path + len, &end, 10);
        if (*end || pid <= 0)
            continue;
        if (*n == cap) {
            pid_t *more = realloc(*pids, (cap = cap ? 2 * cap : 16) * sizeof *more);
            if (!more) {
                fclose(f);
                free(*pids);
                *pids = NULL;
                *n = 0;
                return -ENOMEM;
            }
            *pids = more;
        }
        (*pids)[(*n)++] = (pid_t)pid;
    }
    fclose(f);
    if (*n)
        qsort(*pids, *n, sizeof **pids, cmp_pid);
    return 0;
}

json_t *fr_root_ask(pid_t pid, const char *line, int timeout_ms, char *err, size_t errsz)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t len = fr__control_name(sa.sun_path, sizeof sa.sun_path, geteuid(), pid);
    struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    struct ucred cred;
    socklen_t clen = sizeof cred;
    char *buf = NULL;
    size_t got = 0, cap = 0;
    json_t *j = NULL;
    json_error_t je;
    int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (c < 0) {
        snprintf(err, errsz, "socket: %s", strerror(errno));
        return NULL;
    }
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(c, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0) {
        if (errno == ECONNREFUSED)
            snprintf(err, errsz, "it has ended");
        else
            snprintf(err, errsz, "cannot connect: %s", strerror(errno));
        goto out;
    }
    if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0 || cred.uid != geteuid() ||
        cred.pid != pid) {
        snprintf(err, errsz, "its control socket is held by another process (uid %u, pid %d): "
                 "not asked", (unsigned)cred.uid, (int)cred.pid);
        goto out;
    }
    for (size_t off = 0, n = strlen(line); off < n;) {
        ssize_t w = send(c, line + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(err, errsz, "cannot send the request: %s", strerror(errno));
            goto out;
        }
        off += (size_t)w;
    }
    for (;;) {
        if (got + 4096 > cap) {
            char *more = realloc(buf, cap = cap ? 2 * cap : 16384);
            if (!more) {
                snprintf(err, errsz, "out of memory");
                goto out;
            }
            buf = more;
        }
        ssize_t r = recv(c, buf + got, cap - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            if (errno == EAGAIN)
                snprintf(err, errsz, "no answer within %d s", timeout_ms / 1000);
            else
                snprintf(err, errsz, "reading its answer: %s", strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    j = json_loadb(buf ? buf : "", got, 0, &je);
    if (!j || !json_is_object(j)) {
        if (got)
            snprintf(err, errsz, "its answer is not JSON: %s", je.text);
        else
            snprintf(err, errsz, "it closed without an answer");
        json_decref(j);
        j = NULL;
    }
out:
    free(buf);
    close(c);
    return j;
}
