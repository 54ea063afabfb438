/*
 * roots.h - the client's half of the control socket (roots.c), shared by
 * `fracture ps` (ps.c) and `fracture ctl` (ctl.c): find the roots of
 * this user's running fractured programs, and ask one of them.
 */
#ifndef FR_CLI_ROOTS_H
#define FR_CLI_ROOTS_H

#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

/*
 * The pids of every root of uid @uid that listens on a control socket
 * (control.h), from /proc/net/unix, in increasing order: a malloc'ed array
 * the caller frees, its length in *@n.  0, or a negative errno.
 */
int fr_roots_find(uid_t uid, pid_t **pids, size_t *n);

/*
 * Send request line @line to the root @pid of this user and read its
 * answer: a new JSON object the caller json_decref()s, or NULL with @err
 * set (it ended meanwhile, it is not who its socket's name says, it
 * refused, its answer is not JSON).  An answer with an "error" is
 * returned as it is.  Waits at most @timeout_ms for the answer.
 */
json_t *fr_root_ask(pid_t pid, const char *line, int timeout_ms, char *err, size_t errsz);

#endif
