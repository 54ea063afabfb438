/* store module: a small locked hash table. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

struct ent {
    struct ent *next;
    char *key;
    void *val;
    size_t len;
};

static struct ent *table[256];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned hash(const char *s)
{
    unsigned h = 5381;
    while (*s)
        h = h * 33 + (unsigned char)*s++;
    return h & 255;
}

int __fr_impl_store_put(const char *key, const void *val, size_t len)
{
    struct ent *e;
    unsigned h = hash(key);

    pthread_mutex_lock(&lock);
    for (e = table[h]; e; e = e->next)
        if (strcmp(e->key, key) == 0)
            break;
    if (!e) {
        e = calloc(1, sizeof *e);
        e->key = strdup(key);
        e->next = table[h];
        table[h] = e;
    }
    free(e->val);
    e->val = malloc(len ? len : 1);
    memcpy(e->val, val, len);
    e->len = len;
    pthread_mutex_unlock(&lock);
    return 0;
}

/* Gets served so far: an effect that a replay must not repeat (the
 * crash-point harness reads it through the key "#gets"). */
static long gets;

int __fr_impl_store_get(const char *key, void *out, size_t cap, size_t *len)
{
    int rc = -1;

    pthread_mutex_lock(&lock);
    if (strcmp(key, "#gets") == 0 && cap >= sizeof gets) {
        memcpy(out, &gets, sizeof gets);
        *len = sizeof gets;
        pthread_mutex_unlock(&lock);
        return 0;
    }
    gets++;
    for (struct ent *e = table[hash(key)]; e; e = e->next) {
        if (strcmp(e->key, key) == 0) {
            *len = e->len;
            memcpy(out, e->val, e->len < cap ? e->len : cap);
            rc = 0;
            break;
        }
    }
    pthread_mutex_unlock(&lock);
    return rc;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int __fr_impl_store_each(int (*visit)(const char *key, size_t len))
{
    char **keys = NULL;
    size_t *lens = NULL, n = 0;
    int sum = 0;

    pthread_mutex_lock(&lock);
    for (int h = 0; h < 256; h++)
        for (struct ent *e = table[h]; e; e = e->next) {
            keys = realloc(keys, (n + 1) * sizeof *keys);
            lens = realloc(lens, (n + 1) * sizeof *lens);
            keys[n] = strdup(e->key);
            lens[n++] = e->len;
        }
    pthread_mutex_unlock(&lock);
    /* sorted, so the visiting order is the same everywhere */
    char **order = malloc((n ? n : 1) * sizeof *order);
    memcpy(order, keys, n * sizeof *order);
    qsort(order, n, sizeof *order, cmp);
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        for (size_t j = 0; j < n; j++)
            if (keys[j] == order[i])
                len = lens[j];
        sum += visit(order[i], len);
    }
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    free(order);
    free(keys);
    free(lens);
    return sum;
}

long __fr_impl_store_total(void)
{
    long t = 0;

    pthread_mutex_lock(&lock);
    for (int h = 0; h < 256; h++)
        for (struct ent *e = table[h]; e; e = e->next)
            t += (long)e->len;
    pthread_mutex_unlock(&lock);
    return t;
}
