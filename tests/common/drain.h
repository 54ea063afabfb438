/*
 * drain.h - reading a run's pipes (its stdout, stderr, ...) as they come,
 * so that no pipe fills while another is read: a run that writes much to
 * stderr must not wait for the driver to finish reading stdout.  One copy
 * for the end-to-end drivers.
 */
#ifndef FR_TEST_DRAIN_H
#define FR_TEST_DRAIN_H

#include <stddef.h>
#include <time.h>

/*
 * Read each of @fds[0..n) until it ends, closing it (fds[i] = -1), into
 * bufs[i] (malloc, NUL-terminated, lens[i] bytes); fails the test when out
 * of memory.  Returns 0, or -1 when @end (0: never) passed first: then
 * what came so far is in bufs, and the caller says and kills.
 */
int fr_test_drain(int *fds, char **bufs, size_t *lens, int n, time_t end);

#endif
