/*
 * profilefile.h - the profile file (profilefile.c): every FMP's spans
 * (profile.h) read by the root at exit and written as one Chrome
 * trace-event file (the JSON Object Format: {"traceEvents": [...],
 * "displayTimeUnit": "ns", "otherData": {...}}), which Perfetto and
 * chrome://tracing open.
 *
 * What the file holds (README, "Profiler"):
 *   per process that ran an FMP (pid: its pid), a process_name metadata
 *   event (the FMP's name; "NAME #2" and on for the later incarnations of
 *   a restarted FMP, in the order they recorded) and a
 *   process_sort_index (the FMP's index);
 *   per thread, a thread_name ("main", "worker of logical thread N" for a
 *   thread that served another FMP, "thread TID, logical thread N" for
 *   one that called another FMP, else "thread TID");
 *   per span an "X" event: name the function, cat "call" (the caller's
 *   stub) or "serve" (the callee's dispatch), ts and dur in us on
 *   CLOCK_MONOTONIC, args {module, caller_module (of a call), fmp (the
 *   FMP it ran in), callee_fmp or caller_fmp (the other side's), lt,
 *   depth, status, local};
 *   per (call, serve) pair a flow: "s" at the call's start and "f" (bp
 *   "e") at the serve's, one id each, named "call" (a replicated call has
 *   a serve, and a flow, per replica), or "replay fed" for a replay's
 *   outward call fed from its crashed incarnation's log, linked to the
 *   earlier serve that answered the crashed one;
 *   per FMP whose buffer was full an instant event "dropped N spans" and
 *   otherData.dropped_spans.NAME = N.
 */
#ifndef FR_PROFILEFILE_H
#define FR_PROFILEFILE_H

#include <stdint.h>
#include <stdio.h>

/*
 * Root: write the profile to @path when the program ends (as the trace
 * file, tracefile.h: exit, a return from main, a stop signal).  A relative
 * @path is taken from the working directory now.  0 or a negative errno.
 */
int fr__prof_file_start(const char *path);

/* Root, once the children are stopped: read every FMP's buffer and write
 * the file (once; later calls do nothing).  A file that cannot be
 * written is said on stderr; returns 0 or that negative errno. */
int fr__prof_file_finish(void);

/* Write every buffer's spans to @f as the file above.  0, -ENOMEM, or
 * -EIO when @f reports an error. */
int fr__prof_json(FILE *f);

#endif /* FR_PROFILEFILE_H */
