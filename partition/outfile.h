/*
 * outfile.h - write a file whole or not at all: the text goes to a
 * temporary file beside it, which is renamed over the target only once
 * every output of the command is ready.  A failed run leaves no file, and
 * no half-written one, behind.
 */
#ifndef FR_OUTFILE_H
#define FR_OUTFILE_H

#include <stddef.h>

#include "perr.h"

struct fr_outfile {
    char *path;               /* the target */
    char *tmp;                /* the staged file, NULL once committed or discarded */
};

/* fr__outfile_stage - write @len bytes of @data to a new temporary file in
 * @path's directory (mode 0666 less the umask, as a plain create).  The
 * names live in @ctx.  0, or a negative errno with the reason in @e (and
 * nothing left on disk). */
int fr__outfile_stage(void *ctx, const char *path, const char *data, size_t len,
                      struct fr_outfile *o, struct fr_perr *e);

/* fr__outfile_commit - rename the staged file over the target. */
int fr__outfile_commit(struct fr_outfile *o, struct fr_perr *e);

/* fr__outfile_discard - remove the staged file, if any. */
void fr__outfile_discard(struct fr_outfile *o);

/* fr__outfile_write - stage and commit at once. */
int fr__outfile_write(void *ctx, const char *path, const char *data, size_t len,
                      struct fr_perr *e);

#endif /* FR_OUTFILE_H */
