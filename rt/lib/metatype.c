/*
 * metatype.c - the process-wide table of metadata types and their merge
 * routines (fracture/meta.h).  A type's id is a hash of its name, so that
 * every FMP that registers the same names agrees on the ids whatever the
 * order it registers them in.  Beside each type, its transfer-point
 * callbacks (fr_meta_on_transfer).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "metatype.h"
#include "state.h"

#define KEY_MERGE_MAX 32

struct type_ent {
    uint32_t id;
    char *name;               /* owned by the table, for the process's life */
    struct fr_meta_type t;
    unsigned ncb;
    struct fr__meta_cb cb[FR_META_CALLBACKS_MAX];
};

static struct {
    pthread_mutex_t lock;
    unsigned n;
    struct type_ent e[FR_META_TYPES_MAX];
    unsigned nkeys;
    uint64_t key[KEY_MERGE_MAX];
    fr_meta_merge_fn kfn[KEY_MERGE_MAX];
} tab = { .lock = PTHREAD_MUTEX_INITIALIZER };

_Atomic unsigned fr__meta_ncb;

/* FNV-1a; 0 and the runtime's ids (metatype.h) are never a user type's. */
static uint32_t hash_name(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h <= FR__META_PIN_TYPE ? h + FR__META_PIN_TYPE + 1 : h;
}

static int valid(const struct fr_meta_type *t)
{
    if (!t || !t->name || !*t->name)
        return -EINVAL;
    if (t->kind != FR_META_U64 && t->kind != FR_META_BYTES)
        return -EINVAL;
    if (t->mask & ~(FR_META_CALLS | FR_META_EXEC))
        return -EINVAL;
    switch (t->merge) {
    case FR_MERGE_REPLACE:
        break;
    case FR_MERGE_MIN:
    case FR_MERGE_MAX:
    case FR_MERGE_SUM:
        if (t->kind != FR_META_U64)
            return -EINVAL;
        break;
    case FR_MERGE_CONCAT:
        if (t->kind != FR_META_BYTES)
            return -EINVAL;
        break;
    case FR_MERGE_USER:
        if (!t->user)
            return -EINVAL;
        break;
    default:
        return -EINVAL;
    }
    if (t->merge != FR_MERGE_USER && t->user)
        return -EINVAL;
    return 0;
}

static int same(const struct type_ent *e, const struct fr_meta_type *t)
{
    return !strcmp(e->name, t->name) && e->t.kind == t->kind && e->t.merge == t->merge &&
           e->t.user == t->user && e->t.mask == t->mask;
}

int fr_meta_type_register(const struct fr_meta_type *t, uint32_t *type)
{
    int rc = valid(t);
    uint32_t id;

    if (rc < 0)
        return rc;
    id = hash_name(t->name);
    pthread_mutex_lock(&tab.lock);
    for (unsigned i = 0; i < tab.n; i++) {
        if (tab.e[i].id == id) {
            rc = same(&tab.e[i], t) ? 0 : -EEXIST;
            goto out_unlock;
        }
    }
    rc = -ENOSPC;
    if (tab.n == FR_META_TYPES_MAX)
        goto out_unlock;
    rc = -ENOMEM;
    char *name = strdup(t->name);
    if (!name)
        goto out_unlock;
    tab.e[tab.n].id = id;
    tab.e[tab.n].name = name;
    tab.e[tab.n].t = *t;
    tab.e[tab.n].t.name = NULL;
    tab.n++;
    rc = 0;
out_unlock:
    pthread_mutex_unlock(&tab.lock);
    if (rc == 0 && type)
        *type = id;
    /* A type that travels: calls inside this FMP take the local
     * marshalling path, which propagates as a split call does. */
    if (rc == 0 && fr__metatype_registered)
        rc = fr__metatype_registered(id, t->mask);
    if (rc == 0 && (t->mask & FR_META_CALLS))
        rc = fr__meta_local_on();
    return rc;
}

int (*fr__metatype_registered)(uint32_t type, unsigned mask);

int fr__meta_local_on(void)
{
    if (atomic_exchange(&fr__meta_local, 1))
        return 0;
    return fr__remote_local_refresh();
}

int fr_meta_on_transfer(uint32_t type, unsigned points, fr_meta_transfer_fn fn, void *ctx)
{
    const unsigned all = FR_META_CALL_OUT | FR_META_CALL_IN | FR_META_REPLY_OUT |
                         FR_META_REPLY_IN;
    int rc = -ENOENT;

    if (!fn || !points || (points & ~all))
        return -EINVAL;
    pthread_mutex_lock(&tab.lock);
    for (unsigned i = 0; i < tab.n; i++) {
        struct type_ent *e = &tab.e[i];
        if (e->id != type)
            continue;
        rc = -EINVAL;         /* its items never leave their thread */
        if (!(e->t.mask & FR_META_CALLS))
            break;
        rc = -ENOSPC;
        if (e->ncb == FR_META_CALLBACKS_MAX)
            break;
        e->cb[e->ncb++] = (struct fr__meta_cb){ points, fn, ctx };
        atomic_fetch_add(&fr__meta_ncb, 1);
        rc = 0;
        break;
    }
    pthread_mutex_unlock(&tab.lock);
    return rc;
}

unsigned fr__metatype_callbacks(uint32_t type, unsigned point, struct fr__meta_cb *out)
{
    unsigned n = 0;

    pthread_mutex_lock(&tab.lock);
    for (unsigned i = 0; i < tab.n; i++) {
        if (tab.e[i].id != type)
            continue;
        for (unsigned k = 0; k < tab.e[i].ncb; k++)
            if (tab.e[i].cb[k].points & point)
                out[n++] = tab.e[i].cb[k];
        break;
    }
    pthread_mutex_unlock(&tab.lock);
    return n;
}

int fr__metatype_get(uint32_t type, struct fr_meta_type *out)
{
    int rc = -ENOENT;

    if (type == FR__META_KEY_TYPE) {
        *out = (struct fr_meta_type){ NULL, FR_META_U64, FR_MERGE_USER, NULL, FR_META_CALLS };
        return 0;
    }
    pthread_mutex_lock(&tab.lock);
    for (unsigned i = 0; i < tab.n; i++) {
        if (tab.e[i].id == type) {
            *out = tab.e[i].t;
            rc = 0;
            break;
        }
    }
    pthread_mutex_unlock(&tab.lock);
    return rc;
}

int fr__metatype_key_merge(uint64_t key, fr_meta_merge_fn fn)
{
    int rc = fr__meta_local_on();   /* a merge of its own: the same values everywhere */

    if (rc < 0)
        return rc;
    rc = -ENOSPC;

    pthread_mutex_lock(&tab.lock);
    for (unsigned i = 0; i < tab.nkeys; i++) {
        if (tab.key[i] == key) {
            tab.kfn[i] = fn;
            rc = 0;
            goto out_unlock;
        }
    }
    if (tab.nkeys < KEY_MERGE_MAX) {
        tab.key[tab.nkeys] = key;
        tab.kfn[tab.nkeys] = fn;
        tab.nkeys++;
        rc = 0;
    }
out_unlock:
    pthread_mutex_unlock(&tab.lock);
    return rc;
}

static fr_meta_merge_fn key_merge_of(uint64_t key)
{
    fr_meta_merge_fn fn = NULL;

    pthread_mutex_lock(&tab.lock);
    for (unsigned i = 0; i < tab.nkeys; i++)
        if (tab.key[i] == key)
            fn = tab.kfn[i];
    pthread_mutex_unlock(&tab.lock);
    return fn;
}

void fr__metatype_merge(uint32_t type, uint64_t id, const struct fr_meta_value *mine,
                        const struct fr_meta_value *in, struct fr_meta_value *out)
{
    struct fr_meta_type t;

    *out = *in;
    if (type == FR__META_KEY_TYPE) {
        fr_meta_merge_fn fn = key_merge_of(id);
        if (fn)
            out->u64 = fn(id, mine->u64, in->u64);
        return;
    }
    if (fr__metatype_get(type, &t) < 0)
        return;
    switch (t.merge) {
    case FR_MERGE_REPLACE:
        break;
    case FR_MERGE_MIN:
        out->u64 = mine->u64 < in->u64 ? mine->u64 : in->u64;
        break;
    case FR_MERGE_MAX:
        out->u64 = mine->u64 > in->u64 ? mine->u64 : in->u64;
        break;
    case FR_MERGE_SUM:
        out->u64 = mine->u64 + in->u64;
        break;
    case FR_MERGE_CONCAT: {
        size_t n = mine->len, m = in->len;
        if (n + m > FR_META_BYTES_MAX)
            m = FR_META_BYTES_MAX - n;
        memcpy(out->bytes, mine->bytes, n);
        memcpy(out->bytes + n, in->bytes, m);
        out->len = n + m;
        break;
    }
    case FR_MERGE_USER:
        t.user(type, id, mine, in, out);
        if (out->len > FR_META_BYTES_MAX)
            out->len = FR_META_BYTES_MAX;
        break;
    }
}
