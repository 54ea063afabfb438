/*
 * program.c - exit(n) in any FMP ends the program with status n.
 *
 * A child's exit runs its on_exit handler first: it flushes the child's
 * stdio, tells the root (FR_CTL_EXIT with the status) and waits until the
 * root closes its control socket.  The root marks itself exiting before it
 * stops anything, so a caller whose callee vanishes on the way sees the
 * program ending and waits, rather than reporting a failed call; then it
 * stops every child in order (each Valgrind report complete) and calls
 * exit(n) itself, which runs the root's atexit handlers and flushes its
 * stdio, as the one process would.
 *
 * The status word comes from the child that exits: a compromised child can
 * end the program with a status of its choosing, which exit(n) lets any
 * module do anyway, and nothing else.
 */
#include "program.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static _Atomic int exit_fmp = -1;

static void child_exit(int status, void *arg)
{
    struct fr_ctl_msg m = { FR_CTL_EXIT, (uint32_t)fr__rt.self, (uint32_t)status & 0xff };
    char byte;

    (void)arg;
    if (atomic_exchange(&fr__rt.exiting, 1))
        return;               /* the runtime's own end */
    fflush(NULL);
    if (send(fr__rt.ctl, &m, sizeof m, MSG_NOSIGNAL) != (ssize_t)sizeof m)
        return;               /* the root is gone: PDEATHSIG is on its way */
    /* Until the root closes the socket: then the program's end is in order
     * and the rest of exit (Valgrind's report) may go on. */
    while (recv(fr__rt.ctl, &byte, 1, 0) != 0 && (errno == EINTR || errno == 0))
        errno = 0;
}

void fr__program_watch_exit(void)
{
    on_exit(child_exit, NULL);
}

void fr__program_runtime_exit(int status)
{
    if (atomic_exchange(&fr__rt.exiting, 1))
        for (;;)
            pause();          /* a module's exit is under way on another thread */
    exit(status);
}

int fr__program_exit_fmp(void)
{
    return atomic_load(&exit_fmp);
}

void fr__program_park_if_exiting(void)
{
    if (FR__UNLIKELY(atomic_load(&fr__rt.exiting)) && fr__rt.self == 0)
        for (;;)
            pause();
}

void fr__program_exit_asked(int from, int status)
{
    if (atomic_exchange(&fr__rt.exiting, 1))
        return;               /* ending already */
    atomic_store(&exit_fmp, from);
    fr__stop_children();
    exit(status);
}
