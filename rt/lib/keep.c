/*
 * keep.c - returned pointers the caller does not own (fr_keep, abi.h).
 *
 * A function that returns a pointer into its own memory (a static buffer,
 * a string table) without FR_RET_OWNED promises the caller nothing beyond
 * "valid until you call me again".  Across FMPs the caller gets a malloc()ed
 * copy instead; this file keeps one such copy per (thread, function) and
 * frees it when the same thread calls the same function again, or ends:
 * the same lifetime, and nothing leaks.
 */
#include <pthread.h>
#include <stdlib.h>

#include "runtime.h"

struct kept {
    unsigned n;
    void *p[];               /* per function index */
};

static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void drop(void *arg)
{
    struct kept *k = arg;

    for (unsigned i = 0; i < k->n; i++)
        free(k->p[i]);
    free(k);
}

static void make_key(void)
{
    (void)pthread_key_create(&key, drop);
}

void *fr_keep(unsigned fn, void *p)
{
    struct kept *k;
    unsigned n = fr__rt.app ? fr__rt.app->nfunctions : 0;

    pthread_once(&once, make_key);
    k = pthread_getspecific(key);
    if (!k && fn < n) {
        k = calloc(1, sizeof *k + n * sizeof k->p[0]);
        if (k) {
            k->n = n;
            if (pthread_setspecific(key, k) != 0) {
                free(k);
                k = NULL;
            }
        }
    }
    /* Nowhere to keep it: a leak of one copy is better than a dangling
     * pointer handed to the caller. */
    if (!k || fn >= k->n)
        return p;
    free(k->p[fn]);
    k->p[fn] = p;
    return p;
}
