/*
 * buggy.c - the program `fracture report`'s tests run under Valgrind in
 * many "deployments": two known bugs, each reached only by some inputs,
 * so that each deployment's report holds a different subset.
 *
 *   buggy [L][R][T][S] L: leak 64 bytes (definitely lost, at exit)
 *                     R: read 4 bytes past a block, twice (one error, count 2)
 *                     T: two threads bump a counter with no lock (helgrind: a race)
 *                     S: then wait on stdin (the test kills it mid-run: a
 *                        report cut short)
 *
 * Both bugs are reached through fr__shim(), named as the runtime's
 * functions are: `fracture report` must leave it out of the signature.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int sink, past = 4;
static void *volatile kept;

__attribute__((noinline)) void *fr__shim(void *(*fn)(void))
{
    return fn();
}

__attribute__((noinline)) static void *leak_one(void)
{
    char *p = malloc(64);
    if (p)
        memset(p, 1, 64);
    return p;
}

__attribute__((noinline)) static void *read_past(void)
{
    int *v = calloc(4, sizeof *v);
    if (!v)
        return NULL;
    for (int i = 0; i < 2; i++)
        sink += v[past];        /* the bug: one past the end, twice from one place */
    free(v);
    return NULL;
}

static int counter;

__attribute__((noinline)) static void *bump(void *arg)
{
    (void)arg;
    for (int i = 0; i < 1000; i++)
        counter++;              /* the race: no lock */
    return NULL;
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";

    if (strchr(what, 'L'))
        kept = fr__shim(leak_one);
    if (strchr(what, 'R'))
        fr__shim(read_past);
    kept = NULL;                /* the leak: the only pointer is dropped */
    if (strchr(what, 'T')) {
        pthread_t t;
        if (pthread_create(&t, NULL, bump, NULL) == 0) {
            bump(NULL);
            pthread_join(t, NULL);
        }
    }
    if (strchr(what, 'S')) {
        printf("waiting\n");
        fflush(stdout);
        (void)getchar();
    }
    return 0;
}
