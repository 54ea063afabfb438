/*
 * program.h - what stays the program's across FMPs (DESIGN, "Process-wide
 * behaviour stays the program's"): stdio order at call boundaries, and
 * exit(n) in any FMP ending the whole program with status n.
 */
#ifndef FR_PROGRAM_H
#define FR_PROGRAM_H

#include <stdio.h>
#include <stdio_ext.h>

#include "state.h"

/*
 * One process holds one stdout buffer; split, each FMP holds its own.
 * Flushing what a side holds before control passes to the other (a request
 * sent, a reply sent) gives the bytes the order of the single buffer.
 * A call that printed nothing pays a few loads and one not-taken branch:
 * on glibc, whose FILE is public, the put area of each stream is looked at
 * here (a wide-oriented stream always takes the exact way), and only then
 * does fr__stdio_flush ask __fpending and flush (twice on each side of
 * every call).
 */
static inline int fr__stdio_maybe_pending(FILE *fp)
{
#ifdef __GLIBC__
    return (fp->_IO_write_ptr != fp->_IO_write_base) | (fp->_mode > 0);
#else
    (void)fp;
    return 1;
#endif
}

/* Whether @fp holds bytes not yet written: the exact answer, for which
 * fr__stdio_maybe_pending is the quick test (it never misses one). */
static inline int fr__stdio_pending(FILE *fp)
{
    return fr__stdio_maybe_pending(fp) && __fpending(fp) != 0;
}

/* Flush stdout and stderr where they hold bytes (program.c). */
void fr__stdio_flush(void);

static inline void fr__stdio_boundary(void)
{
    if (FR__UNLIKELY(fr__stdio_maybe_pending(stdout) | fr__stdio_maybe_pending(stderr)))
        fr__stdio_flush();
}

/* Child, once it serves: exit(n) from a module of this FMP (or a runtime
 * abort here) asks the root to end the program with n (on_exit). */
void fr__program_watch_exit(void);

/* Child: the runtime itself ends this process (the root closed the control
 * socket, a recycled instance): not the program's exit. */
FR_NORETURN void fr__program_runtime_exit(int status);

/* Root, supervisor thread: child @fmp called exit(n), which ends the
 * program (supervise.c). */
void fr__program_set_exit_fmp(int fmp);

/* Root: the FMP whose exit(n) ends the program, or -1. */
int fr__program_exit_fmp(void);

/* Root: SIGTERM, SIGINT and SIGHUP, where the program left them at their
 * default, stop the children in order before the root dies of the signal
 * (each Valgrind report complete).  Returns the descriptor the supervisor
 * polls (a signal's number arrives on it), or -1. */
int fr__program_signals_root(void);
/* Child: the terminal's SIGINT and SIGHUP go to the whole process group;
 * the root stops its children in order, so they do not die of them first. */
void fr__program_signals_child(void);

/* A thread whose call failed because the program is ending waits here for
 * the thread that ends it, instead of reporting a failure of its own. */
void fr__program_park_if_exiting(void);

#endif /* FR_PROGRAM_H */
