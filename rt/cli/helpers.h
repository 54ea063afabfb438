/*
 * helpers.h - the programs `fracture bench` runs beside `fracture`
 * (fracture-bench, the fractured program it measures; fracture-peer, the
 * peers whose libraries that program must not map), and the private
 * directories of a bench run.
 */
#ifndef FRACTURE_CLI_HELPERS_H
#define FRACTURE_CLI_HELPERS_H

#include <stddef.h>

/* fr__helper_path - the path of helper @name, in the directory of the
 * running executable, into @buf (@len bytes).  Returns 0, -ENAMETOOLONG,
 * or the -errno of reading /proc/self/exe. */
int fr__helper_path(const char *name, char *buf, size_t len);

/* fr__bench_mkdtemp - make a private directory for a bench run under
 * $TMPDIR (else /tmp) into @buf: "DIR/fracture-bench-XXXXXX".  A test that
 * kills the bench points TMPDIR at a directory of its own and removes it,
 * since nothing of a killed process can.  Returns 0 or -errno. */
int fr__bench_mkdtemp(char *buf, size_t len);

#endif
