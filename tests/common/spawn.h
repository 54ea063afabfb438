/*
 * spawn.h - the child's side of an end-to-end driver's run: the
 * descriptors it gets and nothing else of the driver's, its
 * FRACTURE_CONFIG, the exec.  One copy for the drivers.
 */
#ifndef FR_TEST_SPAWN_H
#define FR_TEST_SPAWN_H

#include <sys/types.h>

/* @config for fr_test_exec: FRACTURE_CONFIG as the driver has it. */
#define FR_TEST_ENV_INHERIT ((const char *)1)

/*
 * In the child of a fork(): make @in, @out and @err its stdin, stdout and
 * stderr (-1: the driver's own), keep descriptor @keep as it is (-1:
 * none), close every other, set FRACTURE_CONFIG to @config (NULL: unset;
 * FR_TEST_ENV_INHERIT: as it is) and exec @argv[0] with @argv.  Never
 * returns: exit status 127 when the exec fails.
 */
void fr_test_exec(int in, int out, int err, int keep, const char *config, char *const argv[])
    __attribute__((noreturn));

/* Start @argv so (stdin the driver's), its stdout and stderr into pipes
 * whose read ends are *out and *err; its pid.  Fails the test when it
 * cannot. */
pid_t fr_test_start(const char *config, char *const argv[], int *out, int *err);

#endif
