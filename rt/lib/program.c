/*
 * program.c - exit(n) in any FMP ends the program with status n.
 *
 * A child's exit runs its on_exit handler first: it flushes the child's
 * stdio, tells the root (FR_CTL_EXIT with the status) and waits until the
 * root closes its control socket.  The root marks itself exiting before it
 * stops anything, so a caller whose callee vanishes on the way sees the
 * program ending and waits, rather than reporting a failed call; then it
 * stops every child in order (each Valgrind report complete, supervise.c)
 * and calls exit(n) itself, which runs the root's atexit handlers and flushes its
 * stdio, as the one process would.
 *
 * A root ended by SIGTERM, SIGINT or SIGHUP (at their default) does the
 * same before it dies of the signal: the handler only writes the signal's
 * number to a pipe (async-signal-safe); the supervisor thread stops the
 * children and re-raises it with the default action, so the program's
 * status is the one process's.  A signal the program ignores or handles
 * (a background job's SIGINT, nohup's SIGHUP) stays as it is.
 *
 * The status word comes from the child that exits: a compromised child can
 * end the program with a status of its choosing, which exit(n) lets any
 * module do anyway, and nothing else.
 */
#include "program.h"

#include "ctl.h"
#include "deathwatch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
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
    fr__deathwatch_leaving(); /* its threads' ends from here on are no crash */
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
    fr__deathwatch_leaving();
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

void fr__program_set_exit_fmp(int fmp)
{
    atomic_store(&exit_fmp, fmp);
}

static const int stop_signals[] = {SIGTERM, SIGINT, SIGHUP};
static int sig_pipe[2] = {-1, -1};

static void on_stop_signal(int sig)
{
    int saved = errno;
    unsigned char b = (unsigned char)sig;

    if (write(sig_pipe[1], &b, 1) < 0) {
        /* the pipe is full or gone: die as the process would have */
        signal(sig, SIG_DFL);
        raise(sig);
    }
    errno = saved;
}

int fr__program_signals_root(void)
{
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
        return -1;
    for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++) {
        /* SA_RESTART: the program would have died of the signal, never
         * seen a read(2) fail with EINTR for it (a loop on fgets would
         * end, and the program exit 0 before the supervisor stops it) */
        struct sigaction old, sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESTART};
        sigemptyset(&sa.sa_mask);
        if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            sigaction(stop_signals[i], &sa, NULL);
    }
    return sig_pipe[0];
}

void fr__program_signals_child(void)
{
    struct sigaction old;

    /* SIGINT and SIGHUP: what a terminal sends the whole group */
    for (size_t i = 1; i < sizeof stop_signals / sizeof *stop_signals; i++)
        if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            signal(stop_signals[i], SIG_IGN);
}

void fr__stdio_flush(void)
{
    if (fr__stdio_pending(stdout))
        fflush(stdout);
    if (fr__stdio_pending(stderr))
        fflush(stderr);
}
