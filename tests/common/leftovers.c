/*
 * leftovers.c - checks that nothing outlives a fractured program (see
 * leftovers.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "leftovers.h"

static int is_fmp(int pid)
{
    char path[64], comm[64] = "";
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/comm", pid);
    if (!(f = fopen(path, "r")))
        return 0;
    if (!fgets(comm, sizeof comm, f))
        comm[0] = '\0';
    fclose(f);
    return strncmp(comm, "fr:", 3) == 0;
}

int children_pids(pid_t pid, pid_t *out, int max)
{
    char path[64];
    DIR *d;
    struct dirent *e;
    int n = 0;

    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    if (!(d = opendir(path)))
        return 0;
    while ((e = readdir(d)) && n < max) {
        char cpath[320];
        FILE *f;
        int c;
        if (e->d_name[0] == '.')
            continue;
        snprintf(cpath, sizeof cpath, "/proc/%d/task/%s/children", (int)pid, e->d_name);
        if (!(f = fopen(cpath, "r")))
            continue;
        while (n < max && fscanf(f, "%d", &c) == 1)
            out[n++] = c;
        fclose(f);
    }
    closedir(d);
    return n;
}

int children_of(pid_t pid)
{
    pid_t kids[256];
    int n = children_pids(pid, kids, 256), fmps = 0;

    for (int i = 0; i < n; i++)
        fmps += is_fmp(kids[i]);
    return fmps;
}

int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;

    if (!d)
        FAIL("cannot read /proc/self/fd");
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n - 1;   /* the directory's own descriptor */
}

int own_regions(void)
{
    char line[512];
    int n = 0;
    FILE *f = fopen("/proc/self/maps", "r");

    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        n += strstr(line, "memfd:fracture:") != NULL;
    fclose(f);
    return n;
}

void expect_no_orphans(int seconds)
{
    struct timespec pause = { 0, 10 * 1000 * 1000 };

    for (int i = 0; i < seconds * 100; i++) {
        int st;
        pid_t p = waitpid(-1, &st, WNOHANG);
        if (p < 0 && errno == ECHILD)
            return;
        if (p == 0)
            nanosleep(&pause, NULL);
    }
    FAIL("a process outlived the program by %d s", seconds);
}

void expect_run_left_nothing(int fds_before)
{
    pid_t kids[64];
    int n = 0;

    for (int tries = 0; tries < 500; tries++) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        n = children_pids(getpid(), kids, 64);
        if (n == 0)
            break;
        usleep(10000);
    }
    if (n)
        FAIL("%d processes of the run outlived it (pid %d first)", n, (int)kids[0]);
    if (own_regions() != 0)
        FAIL("the driver holds a region");
    if (count_fds() != fds_before)
        FAIL("descriptors: %d before, %d after", fds_before, count_fds());
}
