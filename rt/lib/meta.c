/*
 * meta.c - the thread's metadata set (fracture/meta.h), exported into each
 * message header and adopted from each one received, by Causeway's rule.
 */
#include <errno.h>
#include <fracture/meta.h>
#include <pthread.h>
#include <string.h>

#include "meta.h"
#include "state.h"

#define MERGE_MAX 32

struct meta_set {
    unsigned n;
    struct fr_meta_ent e[FR_META_MAX];
};

static __thread struct meta_set tl_meta;

static struct {
    pthread_mutex_t lock;
    unsigned n;
    uint64_t key[MERGE_MAX];
    _Atomic(fr_meta_merge_fn) fn[MERGE_MAX];
} merges = { .lock = PTHREAD_MUTEX_INITIALIZER };

static int find(uint64_t key)
{
    for (unsigned i = 0; i < tl_meta.n; i++)
        if (tl_meta.e[i].key == key)
            return (int)i;
    return -1;
}

int fr_meta_set(uint64_t key, uint64_t value)
{
    int i = find(key);

    if (i < 0) {
        if (tl_meta.n == FR_META_MAX)
            return -ENOSPC;
        i = (int)tl_meta.n++;
        tl_meta.e[i].key = key;
    }
    tl_meta.e[i].value = value;
    return 0;
}

int fr_meta_get(uint64_t key, uint64_t *value)
{
    int i = find(key);

    if (i < 0)
        return -ENOENT;
    *value = tl_meta.e[i].value;
    return 0;
}

int fr_meta_del(uint64_t key)
{
    int i = find(key);

    if (i < 0)
        return -ENOENT;
    tl_meta.e[i] = tl_meta.e[--tl_meta.n];
    return 0;
}

int fr_meta_register_merge(uint64_t key, fr_meta_merge_fn fn)
{
    int rc = -ENOSPC;

    pthread_mutex_lock(&merges.lock);
    for (unsigned i = 0; i < merges.n; i++) {
        if (merges.key[i] == key) {
            atomic_store(&merges.fn[i], fn);
            rc = 0;
            goto out_unlock;
        }
    }
    if (merges.n < MERGE_MAX) {
        merges.key[merges.n] = key;
        atomic_store(&merges.fn[merges.n], fn);
        merges.n++;
        rc = 0;
    }
out_unlock:
    pthread_mutex_unlock(&merges.lock);
    return rc;
}

static fr_meta_merge_fn merge_of(uint64_t key)
{
    fr_meta_merge_fn fn = NULL;

    pthread_mutex_lock(&merges.lock);
    for (unsigned i = 0; i < merges.n; i++)
        if (merges.key[i] == key)
            fn = atomic_load(&merges.fn[i]);
    pthread_mutex_unlock(&merges.lock);
    return fn;
}

unsigned fr__meta_count(void)
{
    return tl_meta.n;
}

unsigned fr__meta_export(struct fr_meta_ent *out)
{
    if (tl_meta.n)
        memcpy(out, tl_meta.e, tl_meta.n * sizeof *out);
    return tl_meta.n;
}

void fr__meta_adopt(const struct fr_meta_ent *in, unsigned n)
{
    struct meta_set next;

    next.n = n;
    for (unsigned i = 0; i < n; i++) {
        int mine = find(in[i].key);
        next.e[i] = in[i];
        if (mine >= 0 && tl_meta.e[mine].value != in[i].value) {
            fr_meta_merge_fn fn = merge_of(in[i].key);
            if (fn)
                next.e[i].value = fn(in[i].key, tl_meta.e[mine].value, in[i].value);
        }
    }
    tl_meta = next;
}
