/*
 * handle.c - the caller side's registry of handles and the incarnations
 * that minted them (handle.h): an open-addressing table keyed by the
 * handle's value, grown at half load, behind one mutex.  Only calls that
 * pass or return a handle to a restartable FMP touch it.
 */
#include "handle.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <fracture/abi.h>

#include "state.h"
#include "wire.h"

struct slot {
    uint64_t v;               /* 0: empty */
    int fmp;
    uint32_t gen;
};

static struct {
    pthread_mutex_t lock;
    struct slot *s;
    size_t cap, n;            /* cap a power of two */
} reg = { .lock = PTHREAD_MUTEX_INITIALIZER };

static size_t hash(uint64_t v)
{
    v ^= v >> 33;
    v *= 0xff51afd7ed558ccdull;
    return (size_t)(v ^ (v >> 33));
}

static struct slot *find(struct slot *s, size_t cap, uint64_t v)
{
    size_t i = hash(v) & (cap - 1);

    while (s[i].v && s[i].v != v)
        i = (i + 1) & (cap - 1);
    return &s[i];
}

static int grow(void)
{
    size_t cap = reg.cap ? reg.cap * 2 : 256;
    struct slot *s = calloc(cap, sizeof *s);

    if (!s)
        return -ENOMEM;
    for (size_t i = 0; i < reg.cap; i++)
        if (reg.s[i].v)
            *find(s, cap, reg.s[i].v) = reg.s[i];
    free(reg.s);
    reg.s = s;
    reg.cap = cap;
    return 0;
}

void fr__handle_minted(uint64_t v, int fmp, uint32_t gen)
{
    struct slot *e;

    if (v == 0)
        return;
    pthread_mutex_lock(&reg.lock);
    /* out of memory: the handle goes unchecked, never wrongly refused */
    if ((reg.n + 1) * 2 <= reg.cap || grow() == 0) {
        e = find(reg.s, reg.cap, v);
        reg.n += e->v == 0;
        *e = (struct slot){ v, fmp, gen };
    }
    pthread_mutex_unlock(&reg.lock);
}

int fr__handle_check(const struct fr_call *c, int peer, uint32_t gen)
{
    int rc = 0;

    pthread_mutex_lock(&reg.lock);
    for (unsigned i = 0; reg.n && i < c->nfields && rc == 0; i++) {
        uint64_t v;
        const struct slot *e;

        if (c->fields[i].kind != FR_W_HANDLE)
            continue;
        memcpy(&v, c->fields[i].ptr, sizeof v);
        e = v ? find(reg.s, reg.cap, v) : NULL;
        if (e && e->v == v && e->fmp == peer && e->gen != gen)
            rc = -ESTALE;
    }
    pthread_mutex_unlock(&reg.lock);
    return rc;
}
