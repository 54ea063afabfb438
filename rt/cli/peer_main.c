/*
 * peer_main.c - fracture-peer, the helper `fracture bench` runs for the
 * peers whose libraries `fracture` does not link (nng, iceoryx; peers.c
 * says why): `fracture-peer NAME ROUNDS ITERS FD` measures as
 * fr__peer_bench() would and writes ROUNDS doubles (ns per round trip)
 * to descriptor FD.  Exit code 0, or the errno it failed with.  Not meant
 * to be run by hand; it dies with its parent (set before exec).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "peers.h"

static int number(const char *s, unsigned long max, unsigned long *v)
{
    char *end;

    errno = 0;
    *v = strtoul(s, &end, 10);
    return end != s && !*end && !errno && *v <= max ? 0 : -1;
}

int main(int argc, char **argv)
{
    unsigned long rounds, iters, fd;
    int rc;

    if (argc != 5 || number(argv[2], 1u << 20, &rounds) || number(argv[3], ~0u, &iters) ||
        number(argv[4], 1u << 20, &fd))
        return EINVAL;
    for (int k = FR_PEER_RAW_PINGPONG; k <= FR_PEER_NNG; k++) {
        const char *name = fr__peer_name((enum fr_peer_kind)k);
        if (name && strcmp(name, argv[1]) == 0) {
            rc = fr__peer_measure((int)fd, (enum fr_peer_kind)k, (unsigned)rounds,
                                  (unsigned)iters);
            /* _exit: the timings are written, and LeakSanitizer's check at
             * exit cannot stop the world of a process that made a PID
             * namespace (iceoryx); it would turn success into exit 1 */
            _exit(rc > 0 && rc < 256 ? rc : rc ? EIO : 0);
        }
    }
    return EINVAL;
}
