/*
 * leftovers.h - what the end-to-end drivers check once a fractured program
 * has ended: no child FMP, no memfd region, no descriptor left, and no
 * orphan come to the driver (each makes itself a child subreaper).  One
 * copy for tests/e2e, tests/annotate/sample and apps/httpd/tests.
 */
#ifndef FR_TEST_LEFTOVERS_H
#define FR_TEST_LEFTOVERS_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

/* Ends the test with where and why. */
#define FAIL(...)                                                                  \
    do {                                                                           \
        fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                       \
        fprintf(stderr, __VA_ARGS__);                                              \
        fprintf(stderr, "\n");                                                     \
        exit(1);                                                                   \
    } while (0)

/* The pids of pid's children (of any of its threads), at most @max in
 * @out; returns how many. */
int children_pids(pid_t pid, pid_t *out, int max);
/* How many of pid's children are child FMPs ("fr:NAME"; a helper that is
 * not one, such as LeakSanitizer's tracer, is not counted). */
int children_of(pid_t pid);
/* Descriptors this process holds. */
int count_fds(void);
/* Fracture memfd regions this process maps. */
int own_regions(void);
/* Reaps what came to this subreaper; fails the test if a process is still
 * there after @seconds. */
void expect_no_orphans(int seconds);
/* After a run: no process of it is left (orphans come to this subreaper),
 * no region is mapped here, and as many descriptors are open as before. */
void expect_run_left_nothing(int fds_before);

#endif
