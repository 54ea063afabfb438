/* The tidy_shapes case: structs the replicas of a voting group must send
 * alike although their bytes differ.  Every struct is built in memory
 * first filled with this process's own bytes (its pid's, as a replica's
 * differ from its siblings'), its fields then set, and a copy of it sent:
 * returned by value, written through FR_OUT, returned by FR_RET(n), and
 * passed to the caller's callbacks (outward calls, which the group checks
 * against its leader's).  What no field holds -- the bits of a bit-field's
 * unit no field uses, an unnamed bit-field, a union's tail beyond its
 * members, the padding around a union and around a struct timespec -- is
 * this process's; so is the padding inside an unnamed struct and inside a
 * struct flock, and the tail of a struct whose const members (a bit-field
 * among them) nothing can assign, and the 6 bytes after an x87 long
 * double's 80 bits.  The generated __fr_tidy_* helpers must leave it out
 * (a long double returned or passed alone has its tail zeroed: those
 * bytes are the stack's, which replicas may or may not share).
 * Under replicas.yaml a helper that kept any of it would end the program
 * ("no majority").  A union is set whole (every byte a member covers):
 * which member is meant, the helper cannot know. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shape.h"

FRACTURE_MODULE(shape, FR_REPLICABLE);

/* @n bytes of this process's own. */
static void *dirty(size_t n)
{
    void *p = malloc(n);

    if (!p)
        abort();
    memset(p, getpid() & 0xff, n);
    return p;
}

/* What a function hands back: @n bytes at @p (dirty memory, freed) copied
 * to @out. */
static void handed(void *out, void *p, size_t n)
{
    memcpy(out, p, n);
    free(p);
}

static void set_bits(struct bits *b, int seed)
{
    b->ready = (unsigned)seed & 1;
    b->kind = (unsigned)seed % 8;
    b->level = -seed % 16;
    b->tag = (unsigned char)('a' + seed % 26);
    b->wide = (unsigned)seed * 4099u;
    b->on = seed % 3 == 0;
    b->count = (unsigned long long)seed << 32 | 0x1234u;
}

static void set_sample(struct sample *s, int seed)
{
    s->unit = (char)('k' + seed % 8);
    for (size_t i = 0; i < sizeof s->v.raw; i++)
        s->v.raw[i] = (unsigned char)(seed + (int)i);
    s->v.i = seed * 1000;
    s->scale = (short)-seed;
    s->half = (uint16_t)(seed * 3 + 1);
}

static void set_stamp(struct stamp *t, int seed)
{
    t->zone = (char)('A' + seed % 26);
    t->at.tv_sec = (time_t)seed * 86400;
    t->at.tv_nsec = seed * 1000L + 7;
    t->seq = (unsigned short)(seed + 100);
}

static void set_holder(struct holder *h, int seed)
{
    h->in.c = (char)('a' + seed % 26);
    h->in.i = seed * 7;
    h->k = -seed;
}

static void set_flock(struct flock *l, int seed)
{
    l->l_type = seed % 2 ? F_WRLCK : F_RDLCK;
    l->l_whence = SEEK_SET;
    l->l_start = (off_t)seed * 4096;
    l->l_len = seed + 1;
    l->l_pid = seed + 1000;  /* what the program says, alike in every replica */
}

static void set_report(struct report *r, int seed)
{
    set_bits(&r->flags[0], seed);
    set_bits(&r->flags[1], seed + 1);
    r->id = (unsigned char)seed;
    set_stamp(&r->when, seed + 2);
    set_sample(&r->s, seed + 3);
}

struct bits shape_bits(int seed)
{
    struct bits *p = dirty(sizeof *p), b;

    set_bits(p, seed);
    handed(&b, p, sizeof b);
    return b;
}

int shape_bits_out(int seed, size_t n, struct bits *out)
{
    struct bits *p = dirty(n * sizeof *p);

    for (size_t i = 0; i < n; i++)
        set_bits(&p[i], seed + (int)i);
    handed(out, p, n * sizeof *p);
    return (int)n;
}

struct sample shape_sample(int seed)
{
    struct sample *p = dirty(sizeof *p), s;

    set_sample(p, seed);
    handed(&s, p, sizeof s);
    return s;
}

int shape_sample_out(int seed, struct sample *out)
{
    struct sample *p = dirty(sizeof *p);

    set_sample(p, seed);
    handed(out, p, sizeof *p);
    return 1;
}

struct stamp shape_stamp(int seed)
{
    struct stamp *p = dirty(sizeof *p), t;

    set_stamp(p, seed);
    handed(&t, p, sizeof t);
    return t;
}

struct stamp *shape_stamps(size_t n, int seed)
{
    struct stamp *l = dirty(n * sizeof *l);

    for (size_t i = 0; i < n; i++)
        set_stamp(&l[i], seed + (int)i);
    return l;
}

int shape_report(int seed, struct report *out)
{
    struct report *p = dirty(sizeof *p);

    set_report(p, seed);
    handed(out, p, sizeof *p);
    return 1;
}

/* Structs with const members, which only an initialiser sets: made in
 * dirty memory as far as their last field goes, returned as copies of it
 * (not assigned: they cannot be). */
static struct cq taken_cq(struct cq *p)
{
    struct cq v = *p;

    free(p);
    return v;
}

static struct cr taken_cr(struct cr *p)
{
    struct cr v = *p;

    free(p);
    return v;
}

struct cq shape_cq(int seed)
{
    struct cq v = {(unsigned)seed % 8, (unsigned)seed % 32}, *p = dirty(sizeof *p);

    memcpy(p, &v, 1);         /* k and w are the first byte's 8 bits */
    return taken_cq(p);
}

int shape_cq_out(int seed, size_t n, struct cq *out)
{
    unsigned char *p = dirty(n * sizeof *out);

    for (size_t i = 0; i < n; i++) {
        struct cq v = {(unsigned)(seed + (int)i) % 8, (unsigned)(seed * 3 + (int)i) % 32};
        memcpy(p + i * sizeof v, &v, 1);
    }
    handed(out, p, n * sizeof *out);
    return (int)n;
}

struct holder shape_holder(int seed)
{
    struct holder *p = dirty(sizeof *p), h;

    set_holder(p, seed);
    handed(&h, p, sizeof h);
    return h;
}

int shape_locked(int seed, struct locked *out)
{
    struct locked *p = dirty(sizeof *p);

    p->fd = seed;
    set_flock(&p->fl, seed + 1);
    handed(out, p, sizeof *p);
    return 1;
}

struct flock shape_flock(int seed)
{
    struct flock *p = dirty(sizeof *p), l;

    set_flock(p, seed);
    handed(&l, p, sizeof l);
    return l;
}

struct cr shape_cr(int seed)
{
    struct cr v = {seed * 11, (char)('p' + seed % 8)}, *p = dirty(sizeof *p);

    memcpy(p, &v, offsetof(struct cr, tag) + 1);
    return taken_cr(p);
}

int shape_visit(int seed, shape_visit_fn visit)
{
    struct report *p = dirty(sizeof *p);
    int v;

    set_report(p, seed);
    v = visit(*p);
    free(p);
    return v;
}

int shape_peek(int seed, size_t n, shape_peek_fn peek)
{
    struct bits *p = dirty(n * sizeof *p);
    int v;

    for (size_t i = 0; i < n; i++)
        set_bits(&p[i], seed * 2 + (int)i);
    v = peek(p, n);
    free(p);
    return v;
}

int shape_lock(int seed, shape_lock_fn lock)
{
    struct flock *l = dirty(sizeof *l);
    struct holder *h = dirty(sizeof *h);
    int v;

    set_flock(l, seed);
    set_holder(h, seed + 1);
    v = lock(*l, h);
    free(l);
    free(h);
    return v;
}

int shape_bag(int seed, size_t n, shape_bag_fn bag)
{
    struct bag *b = dirty(sizeof *b);
    int v;

    b->n = n;
    b->items = dirty(n * sizeof *b->items);
    for (size_t i = 0; i < n; i++) {
        b->items[i].c = (char)('m' + (int)i);
        b->items[i].i = seed * 100 + (int)i;
    }
    v = bag(b);
    free(b->items);
    free(b);
    return v;
}

/* Through FR_OUT, byte for byte: a struct returned by value may be
 * copied field by field, and an x87 long double by its 10 bytes. */
int shape_ld(int seed, struct ld *out)
{
    struct ld *p = dirty(sizeof *p);
    long double v = seed / 4.0L;

    memcpy(&p->v, &v, 10);   /* its value; the 6 bytes after it stay dirty */
    p->k = seed;
    handed(out, p, sizeof *p);
    return 1;
}

long double shape_third(int seed)
{
    return seed / 3.0L;
}

int shape_third_call(int seed, shape_third_fn fn)
{
    return fn(seed / 3.0L);
}

struct pair shape_pair(int seed)
{
    struct pair v = {seed, -seed};

    return v;
}
