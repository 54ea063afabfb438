/*
 * ctl_raw.c - test helper: send the bytes of stdin to a running program's
 * control socket as they are, and print its answer.  `fracture ctl` only
 * ever sends well-formed requests, and only to its own user's programs;
 * this is for the malformed ones and for another user's (e2e.ps-ctl).
 *
 *   ctl_raw NAME    NAME the abstract socket name without its NUL,
 *                   "fracture/UID/PID"
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char buf[65536];
    size_t n = 0;
    ssize_t r;
    int c;

    if (argc != 2 || strlen(argv[1]) + 1 > sizeof sa.sun_path) {
        fprintf(stderr, "usage: ctl_raw fracture/UID/PID < request\n");
        return 2;
    }
    memcpy(sa.sun_path + 1, argv[1], strlen(argv[1]));
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&sa,
                         (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(argv[1]))) < 0) {
        fprintf(stderr, "ctl_raw: cannot connect to @%s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    while ((r = read(0, buf, sizeof buf)) > 0)
        for (ssize_t off = 0; off < r;) {
            ssize_t w = send(c, buf + off, (size_t)(r - off), MSG_NOSIGNAL);
            if (w <= 0)
                goto answer;  /* it stopped reading: its answer says why */
            off += w;
        }
answer:
    shutdown(c, SHUT_WR);
    while (n < sizeof buf - 1 && (r = read(c, buf + n, sizeof buf - 1 - n)) > 0)
        n += (size_t)r;
    buf[n] = '\0';
    fputs(buf, stdout);
    close(c);
    return n ? 0 : 1;
}
