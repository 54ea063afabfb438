/*
 * trace.h - the counters of a training trace (`trace:` in a deployment;
 * DESIGN, Tracing): calls, bytes and descriptors per (caller module,
 * callee function) edge, and each module's own CPU time (trace.c).  The
 * file written from them at exit is tracefile.h's.
 *
 * Every FMP counts into a shared-memory area of its own, which the root
 * creates (one memfd per FMP, handed to each incarnation of it) and reads
 * at exit: the counts of a child that crashed or was restarted are there
 * too, up to its last update.  An area holds only numbers at offsets the
 * root computes itself from the module table: what a child wrote there
 * can make the trace wrong, never the root misbehave.
 *
 * While tracing, every module that runs in this FMP is marked
 * FR_REMOTE_TRACED in fr__remote[], so that its stubs take the
 * marshalling path and fr_call_invoke runs it here through its dispatcher
 * (local.h): bytes are counted as a split call would carry them.  Without
 * `trace:` nothing here runs; fr__trace_on is one load on the cross-FMP
 * path, and a same-FMP call is what it was.
 *
 * Each thread knows the module whose code it runs (main at the start of an
 * application thread; none, the runtime's own, on a worker between calls
 * and on a caller waiting for another FMP).  At every switch of module the
 * time since the last switch is charged to the module left: the thread's
 * CPU clock (CLOCK_THREAD_CPUTIME_ID, a system call) where the stretch was
 * long, and a cheap wall clock (the TSC where the kernel keeps time by it,
 * else CLOCK_MONOTONIC from the vDSO) for a stretch shorter than
 * FR_TRACE_SHORT_NS, which is all on the CPU unless it blocked or was
 * preempted (a preempted stretch is long); the CPU clock read after a run
 * of short stretches charges what they missed to the module it ends.
 */
#ifndef FR_TRACE_H
#define FR_TRACE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <fracture/abi.h>

/* fr__remote[] of a module of this FMP while tracing (1: another FMP). */
#define FR_REMOTE_TRACED 2

/* A thread's module when it runs none: the runtime's own time. */
#define FR_TRACE_NONE (-1)

/* Stretches shorter than this are charged by the monotonic clock. */
#define FR_TRACE_SHORT_NS 20000

/* One edge's counts (a child may write them: read as plain numbers). */
struct fr_trace_edge {
    _Atomic uint64_t calls, bytes_in, bytes_out, fds;
};

static inline uint64_t fr__sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Nonzero while this process traces. */
extern int fr__trace_on;

/*
 * Root: make an area for each of @nfmps FMPs for the module table
 * fr__rt.app, map them; this process counts into area 0.  0, -E2BIG
 * for a table too large to trace (an area past 1 GiB), or a negative
 * errno.  The areas live as long as the process.
 */
int fr__trace_setup(int nfmps);
/* Root: the memfd of FMP @k's area, for its (re)starts; -1 without one. */
int fr__trace_fd(int k);
/* Child: map the area of memfd @fd (its own FMP's), to count into; the
 * descriptor is closed.  0 or a negative errno. */
int fr__trace_attach(int fd);

/* Count from now on (@on), or no more: fr__trace_on, and every module of
 * this FMP (fr__remote[] 0) marked FR_REMOTE_TRACED, or back to 0.
 * fr__trace_setup or fr__trace_attach comes first. */
void fr__trace_enable(int on);

/* The calling thread runs module @mod from now on (FR_TRACE_NONE: the
 * runtime); its time since the last switch goes to the module it leaves.
 * Returns that module: switch back to it when the call is over. */
int fr__trace_switch(int mod);
/* The module whose code the calling thread runs: the caller of a call it
 * makes now (main for a thread that has made no call yet). */
int fr__trace_current(void);
/* A worker about to serve a call: a thread that never switched is the
 * runtime's, not main's. */
void fr__trace_serving(void);
/* The calling thread (the root's main thread, about to run main()) starts
 * counting now, in module @mod: what it spent before is the runtime's. */
void fr__trace_thread_begin(int mod);

/* Count one call of function @fn made by module @from. */
void fr__trace_count(int from, unsigned fn, uint64_t bytes_in, uint64_t bytes_out,
                     unsigned fds);

/* Charge every counting thread's time since its last switch (at exit). */
void fr__trace_flush_threads(void);

/* Root: add FMP @k's CPU ns per module (every lane of its area) to
 * @cpu[nmodules], saturating. */
void fr__trace_add_cpu(int k, uint64_t *cpu);
/* Root: how many areas there are. */
int fr__trace_nareas(void);
/* Root: call @fn(@ctx, idx, edge) for the edges of every lane of FMP @k's
 * area that lie in pages some process wrote (idx = from * nfunctions +
 * fn; the same idx comes once per lane): a table's untouched edges are
 * holes of the memfd, neither read nor made. */
void fr__trace_each_edge(int k, void (*fn)(void *ctx, size_t idx, const struct fr_trace_edge *e),
                         void *ctx);

#endif /* FR_TRACE_H */
