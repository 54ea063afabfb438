/*
 * drain.c - a run's pipes read as they come (drain.h).
 */
#include "drain.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leftovers.h"   /* FAIL */

int fr_test_drain(int *fds, char **bufs, size_t *lens, int n, time_t end)
{
    struct pollfd p[n > 0 ? n : 1];
    size_t cap[n > 0 ? n : 1];
    int rc = 0;

    for (int i = 0; i < n; i++) {
        lens[i] = 0;
        if (!(bufs[i] = malloc(cap[i] = 4096)))
            FAIL("out of memory");
    }
    for (;;) {
        int np = 0, idx[n > 0 ? n : 1];
        for (int i = 0; i < n; i++)
            if (fds[i] >= 0) {
                p[np] = (struct pollfd){ fds[i], POLLIN, 0 };
                idx[np++] = i;
            }
        if (!np)
            break;
        if (end && time(NULL) > end) {
            rc = -1;
            break;
        }
        if (poll(p, (nfds_t)np, 200) <= 0)
            continue;         /* nothing yet, or EINTR: look at the clock again */
        for (int j = 0; j < np; j++) {
            int i = idx[j];
            if (!(p[j].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (cap[i] - lens[i] < 1024 && !(bufs[i] = realloc(bufs[i], cap[i] *= 2)))
                FAIL("out of memory");
            ssize_t got = read(fds[i], bufs[i] + lens[i], cap[i] - lens[i] - 1);
            if (got <= 0) {
                close(fds[i]);
                fds[i] = -1;
            } else {
                lens[i] += (size_t)got;
            }
        }
    }
    for (int i = 0; i < n; i++)
        bufs[i][lens[i]] = '\0';
    return rc;
}
