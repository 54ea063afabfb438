/*
 * sendall.h - writing a whole buffer to a socket.  Static inline: every
 * module that writes to a client compiles its own copy, so this is never a
 * call between modules.  MSG_NOSIGNAL because a module may run in a child
 * FMP, which was started before main() could ignore SIGPIPE: a client that
 * hangs up must cost an error, not the FMP.
 */
#ifndef HTTPD_SENDALL_H
#define HTTPD_SENDALL_H

#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

static inline int send_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

#endif
