/*
 * spawn.c - the child's side of a driver's run (spawn.h).
 */
#include "spawn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leftovers.h"   /* FAIL */

void fr_test_exec(int in, int out, int err, int keep, const char *config, char *const argv[])
{
    if (in >= 0)
        dup2(in, 0);
    if (out >= 0)
        dup2(out, 1);
    if (err >= 0)
        dup2(err, 2);
    /* the run holds what it is given, no pipe end or file of the driver's */
    for (int fd = 3; fd < 1024; fd++)
        if (fd != keep)
            close(fd);
    if (!config)
        unsetenv("FRACTURE_CONFIG");
    else if (config != FR_TEST_ENV_INHERIT)
        setenv("FRACTURE_CONFIG", config, 1);
    execv(argv[0], argv);
    _exit(127);
}

pid_t fr_test_start(const char *config, char *const argv[], int *out, int *err)
{
    int pout[2], perr[2];
    pid_t pid;

    if (pipe(pout) || pipe(perr))
        FAIL("pipe: %s", strerror(errno));
    pid = fork();
    if (pid < 0)
        FAIL("fork: %s", strerror(errno));
    if (pid == 0)
        fr_test_exec(-1, pout[1], perr[1], -1, config, argv);
    close(pout[1]);
    close(perr[1]);
    *out = pout[0];
    *err = perr[0];
    return pid;
}
