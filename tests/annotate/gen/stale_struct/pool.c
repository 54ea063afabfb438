/* The stale_struct case: handles inside structs die with the incarnation
 * that minted them, and a new incarnation that makes an object at a dead
 * one's address does not revive the old handle.  The pool lives at a
 * fixed address and hands out its first slot first, so every incarnation
 * makes its first object where its predecessor made its own.  pool_crash()
 * kills the FMP where POOL_CRASH is set (its first incarnation). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "pool.h"

FRACTURE_MODULE(pool, FR_RESTARTABLE);

#define POOL_AT ((void *)0x4a0000000000ul)
#define MAGIC 0x6f626a21

struct obj {
    int magic;
    int v;
};

static struct obj *pool;
static int used;

static struct obj *take_slot(void)
{
    if (!pool) {
        void *p = mmap(POOL_AT, 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
        if (p != POOL_AT)
            abort();          /* no fixed address: the case could not show reuse */
        pool = p;
    }
    return used < 8 ? &pool[used++] : NULL;
}

/* This process made o, or the program ends here: a dead incarnation's
 * object must never reach this code. */
static struct obj *mine(struct obj *o)
{
    if (!pool || o < pool || o >= pool + used || o->magic != MAGIC)
        abort();
    return o;
}

struct ref pool_make(int v)
{
    struct ref r = { take_slot(), 0, 0 };

    if (r.o) {
        r.o->magic = MAGIC;
        r.o->v = v;
        r.slot = (int)(r.o - pool);
        r.addr = (uintptr_t)r.o;
    }
    return r;
}

void pool_fill(int v, struct ref *out)
{
    *out = pool_make(v);
}

int pool_get(const struct ref *r)
{
    return mine(r->o)->v;
}

int pool_bump(struct ref *r)
{
    return ++mine(r->o)->v;
}

int pool_value(struct obj *o)
{
    return mine(o)->v;
}

int pool_sum(const struct pair *p)
{
    return mine(p->both[0])->v + mine(p->both[1])->v;
}

long pool_number(union num u)
{
    return u.n;
}

int pool_grid(const struct grid *p)
{
    int sum = 0;

    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            sum += mine(p->g[i][j])->v;
    return sum;
}

void pool_drop(struct obj *o)
{
    mine(o)->magic = 0;
}

void pool_crash(void)
{
    const char *c = getenv("POOL_CRASH");

    if (c && *c == '1')
        raise(SIGKILL);
}
