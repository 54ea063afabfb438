/*
 * leftovers.h - what the httpd tests check once a server has stopped: no
 * child FMP, no memfd region, no descriptor left.  The checks of
 * tests/annotate/sample/check_sample.c, as functions (that file keeps its
 * own copy: it is a single-file driver in another part of the tree).
 */
#ifndef HTTPD_TEST_LEFTOVERS_H
#define HTTPD_TEST_LEFTOVERS_H

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

/* The child FMPs ("fr:NAME") of pid, children of any of its threads. */
int children_of(pid_t pid);
/* Descriptors this process holds. */
int count_fds(void);
/* Fracture memfd regions this process maps. */
int own_regions(void);
/* Reaps what came to this subreaper; fails the test if a process is still
 * there after 5 s. */
void expect_no_orphans(void);

#endif
