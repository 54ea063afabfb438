/*
 * deathwatch.h - the root learns of a restartable child's death from the
 * child's robust futexes (deathwatch.c), before the kernel has torn the
 * process down and its pidfd fires.
 *
 * Each such child gets a table (a memfd the root creates, one per
 * process) that both map: every thread of the child that may touch a
 * shared slot holds one word of it, a robust futex the kernel marks
 * FUTEX_OWNER_DIED when the thread exits.  A watcher thread in the root
 * sleeps on those words; once every held word of the current incarnation
 * says so, it tells the supervisor (supervise.c), which treats the FMP as
 * dead at once and reaps the process later, when its pidfd fires.
 */
#ifndef FR_DEATHWATCH_H
#define FR_DEATHWATCH_H

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

struct fr_watch;

/* ---- root ---------------------------------------------------------- */

/*
 * A table for a new child process of FMP @name, for @nthreads threads at
 * most.  Returns the descriptor the child inherits (CLOEXEC: the caller
 * keeps it across exec and closes it after) and sets *out, owned by the
 * caller until fr__deathwatch_adopt or fr__deathwatch_free; or a negative
 * errno.
 */
int fr__deathwatch_create(const char *name, unsigned nthreads, struct fr_watch **out);
/* Free a table no FMP adopted (a spare dropped, a start that failed). */
void fr__deathwatch_free(struct fr_watch *t);
/* @t (may be NULL) is the table of FMP @k's current process from now on;
 * the table it replaces is freed, unless its process still waits to be
 * reaped (fr__deathwatch_bury). */
void fr__deathwatch_adopt(int k, struct fr_watch *t);

/* Start the watcher thread (root, once); -errno when it cannot run (the
 * supervisor then learns of deaths from the pidfds alone). */
int fr__deathwatch_start(void);
/* The descriptor the supervisor polls: readable when a death was seen. */
int fr__deathwatch_fd(void);
/* Supervisor thread: an FMP whose current incarnation has lost every
 * thread it registered and has not been handed out before, or -1.  Reads
 * the descriptor when none is left. */
int fr__deathwatch_next_dead(void);

/* Supervisor thread: FMP @k's process @pid (incarnation @gen), noticed
 * dead, is reaped when @pidfd fires; the grave owns @pidfd and the
 * process's table from now on. */
void fr__deathwatch_bury(int k, pid_t pid, int pidfd, uint32_t gen);
/* Supervisor thread: the threads of @pid, noticed dead early, still tear
 * it down: at the lowest priority, so that its successor and the callers
 * replaying into it get the CPU first. */
void fr__deathwatch_demote(pid_t pid);
/* Supervisor thread: fill @pfd (room for fr__deathwatch_graves(NULL)
 * entries) with the pidfds of processes awaiting their reaping; returns
 * how many. */
int fr__deathwatch_graves(struct pollfd *pfd);
/* Supervisor thread: reap grave @i (an index as fr__deathwatch_graves
 * filled it) whose pidfd fired, or, with @wait, any grave left, blocking.
 * Sets *k, *pid, *status, *gen; 0, or -ENOENT when there is none. */
int fr__deathwatch_reap(int i, int wait, int *k, pid_t *pid, int *status, uint32_t *gen);

/* ---- child --------------------------------------------------------- */

/* Map the table the root handed over in @fd (-1: none) and enlist the
 * calling thread; closes @fd. */
void fr__deathwatch_child_init(int fd);
/* Enlist the calling thread (idempotent, cheap): its exit, on purpose or
 * not, is seen by the root; one on purpose is told first (a key's
 * destructor). */
void fr__deathwatch_enlist(void);
/* This process is ending on purpose (exit, a recycled instance): its
 * threads' deaths from now on are no crash. */
void fr__deathwatch_leaving(void);

#endif /* FR_DEATHWATCH_H */
