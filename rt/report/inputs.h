/*
 * inputs.h - one deployment's reports as `fracture report` is given them:
 * a directory (its *.xml files, at any depth) or a .tar.gz archive of one
 * (read with libarchive).  Each report is handed over whole, one at a
 * time, with the name messages give it and its modification time.
 */
#ifndef FR_INPUTS_H
#define FR_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "perr.h"

/* Called for each report; a negative return stops the walk and is returned. */
typedef int (*fr_input_fn)(void *arg, const char *name, const char *data, size_t len,
                           int64_t mtime);

/* fr__input_deployment - the deployment an argument names: the path
 * without trailing slashes and without .tar.gz or .tgz.  Under @ctx. */
char *fr__input_deployment(void *ctx, const char *arg);

/* fr__input_is_archive - whether @arg names an archive by its ending. */
int fr__input_is_archive(const char *arg);

/*
 * fr__input_walk - call @fn for every report of @arg, in name order.  0;
 * or a negative errno with the reason in @e: @arg missing, neither a
 * directory nor a .tar.gz, a corrupt archive, no report in it; or what
 * @fn returned (and said in @e).
 */
int fr__input_walk(void *ctx, const char *arg, fr_input_fn fn, void *fnarg, struct fr_perr *e);

/*
 * fr__input_archive_mem - the same for an archive already in memory
 * (@len bytes at @data), named @arg in messages: what the fuzz target
 * feeds.
 */
int fr__input_archive_mem(void *ctx, const char *arg, const void *data, size_t len,
                          fr_input_fn fn, void *fnarg, struct fr_perr *e);

#endif /* FR_INPUTS_H */
