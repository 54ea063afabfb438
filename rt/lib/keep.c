/*
 * keep.c - returned pointers the caller does not own (fr_keep, abi.h).
 *
 * A function that returns a pointer into its own memory without
 * FR_RET_OWNED (a name from a static table, a view of its state) promises
 * the caller memory it does not have to free and that stays put.  Across
 * FMPs the caller gets a copy instead, and this file keeps those copies:
 * one per distinct content of each function, for the life of the process.
 * Static data -- by far the common case -- then costs one copy and comes
 * back as the same pointer on every call, as in the unfractured program.
 * Results that keep changing cost a copy per distinct value: such a
 * function should return FR_RET_OWNED results instead (README).
 *
 * Copies are reachable from the table until exit, so leak checkers report
 * none of them as lost.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

struct kept {
    struct kept *next;
    unsigned fn;
    size_t n;
    uint64_t hash;
    void *p;
};

#define KEEP_BUCKETS 1024

static struct kept *table[KEEP_BUCKETS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t hash(unsigned fn, const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603ull ^ fn;

    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

void *fr_keep(unsigned fn, void *p, size_t n)
{
    uint64_t h;
    struct kept **slot, *k;

    if (!p)
        return NULL;
    h = hash(fn, p, n);
    slot = &table[h % KEEP_BUCKETS];
    pthread_mutex_lock(&lock);
    for (k = *slot; k; k = k->next)
        if (k->hash == h && k->fn == fn && k->n == n && memcmp(k->p, p, n) == 0)
            break;
    if (k) {
        pthread_mutex_unlock(&lock);
        free(p);
        return k->p;
    }
    k = malloc(sizeof *k);
    if (k) {
        *k = (struct kept){ *slot, fn, n, h, p };
        *slot = k;
    }
    pthread_mutex_unlock(&lock);
    /* Nowhere to record it: the copy is the caller's to lose, never a
     * dangling pointer. */
    return p;
}
