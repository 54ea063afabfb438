/* The tidy_shapes case: structs the replicas of a voting group must send
 * alike although their bytes differ.  Every struct is built in memory
 * first filled with this process's own bytes (its pid's, as a replica's
 * differ from its siblings'), its fields then set, and a copy of it sent:
 * returned by value, written through FR_OUT, returned by FR_RET(n), and
 * passed to the caller's callbacks (outward calls, which the group checks
 * against its leader's).  What no field holds -- the bits of a bit-field's
 * unit no field uses, an unnamed bit-field, a union's tail beyond its
 * members, the padding around a union and around a struct timespec -- is
 * this process's; the generated __fr_tidy_* helpers must leave it out.
 * Under replicas.yaml a helper that kept any of it would end the program
 * ("no majority").  A union is set whole (every byte a member covers):
 * which member is meant, the helper cannot know. */
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
    memcpy(&b, p, sizeof b);
    free(p);
    return b;
}

int shape_bits_out(int seed, size_t n, struct bits *out)
{
    struct bits *p = dirty(n * sizeof *p);

    for (size_t i = 0; i < n; i++)
        set_bits(&p[i], seed + (int)i);
    memcpy(out, p, n * sizeof *p);
    free(p);
    return (int)n;
}

struct sample shape_sample(int seed)
{
    struct sample *p = dirty(sizeof *p), s;

    set_sample(p, seed);
    memcpy(&s, p, sizeof s);
    free(p);
    return s;
}

int shape_sample_out(int seed, struct sample *out)
{
    struct sample *p = dirty(sizeof *p);

    set_sample(p, seed);
    memcpy(out, p, sizeof *p);
    free(p);
    return 1;
}

struct stamp shape_stamp(int seed)
{
    struct stamp *p = dirty(sizeof *p), t;

    set_stamp(p, seed);
    memcpy(&t, p, sizeof t);
    free(p);
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
    memcpy(out, p, sizeof *p);
    free(p);
    return 1;
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
