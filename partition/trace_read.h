/*
 * trace_read.h - read training traces (README.md, "Trace format (version
 * 1)") into one struct fr_trace, adding them up.
 *
 * A trace is untrusted input (hand-edited, cut short, of another build):
 * every field is checked, and every refusal names the file, the JSON path
 * of the value (`edges[3].calls`) and what to do.  A trace that is refused
 * leaves the sum it was to join unchanged.
 */
#ifndef FR_TRACE_READ_H
#define FR_TRACE_READ_H

#include <stddef.h>

#include "perr.h"
#include "trace.h"

/* fr__trace_new - an empty sum of traces, allocated under @ctx (freed with
 * it); NULL when memory ran out. */
struct fr_trace *fr__trace_new(void *ctx);

/*
 * fr__trace_add_file - read the trace at @path and add it to @t: runs,
 * wall time, each module's CPU and each edge's counts are summed.  The
 * first trace sets the app; a later one must carry the same app.id (the
 * same build of the same app) and the same module table.  Returns 0, or a
 * negative errno with the reason in @e (and @t unchanged).
 */
int fr__trace_add_file(struct fr_trace *t, const char *path, struct fr_perr *e);

/* fr__trace_add_text - the same for @len bytes of JSON @text read from a
 * file shown as @name (the fuzz target's entry). */
int fr__trace_add_text(struct fr_trace *t, const char *name, const char *text, size_t len,
                       struct fr_perr *e);

#endif /* FR_TRACE_READ_H */
