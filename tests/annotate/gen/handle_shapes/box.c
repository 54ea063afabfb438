/* The handle_shapes case: handles in every shape a struct can hold them
 * (an anonymous member, an array field, three records down, structs behind
 * FR_COUNT), on the reply path (FR_OUT arrays, FR_RET arrays, a struct
 * returned), through callbacks both ways, and structs passed twice.  Every
 * object the box makes is checked when it comes back: a value that is not
 * one of this process's objects ends it (abort), so a handle that arrived
 * untagged, tagged or stale would show.  box_crash() kills the FMP where
 * BOX_CRASH is set (stale.yaml: its first incarnation).  Under
 * replicas.yaml three replicas vote on every reply, and their outward
 * calls (the callbacks) are checked against the leader's: the structs
 * they send hold each replica's own addresses and padding (box_list
 * fills it with the process's own bytes), which must not count: also
 * behind an FR_COUNT field of a callback's argument (box_visit_batch). */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "box.h"

FRACTURE_MODULE(box, FR_REPLICABLE | FR_RESTARTABLE);

#define MAGIC 0x626f7821

struct obj {
    int magic;
    int v;
};

static struct obj objs[64];
static int used;

static struct obj *make(int v)
{
    struct obj *o;

    if (used == 64)
        abort();
    o = &objs[used++];
    o->magic = MAGIC;
    o->v = v;
    return o;
}

static struct obj *mine(struct obj *o)
{
    if (o < objs || o >= objs + used || o->magic != MAGIC)
        abort();
    return o;
}

int box_value(struct obj *o)
{
    return mine(o)->v;
}

int box_tag(int v, int weight, struct tagged *t)
{
    t->h = make(v);
    t->weight = weight;
    t->n = v + weight;
    return 0;
}

int box_tagged(const struct tagged *t)
{
    return mine(t->h)->v * t->weight + t->n;
}

int box_mint(size_t n, int base, struct ref *out)
{
    for (size_t i = 0; i < n; i++) {
        out[i].o = make(base + (int)i);
        out[i].v = base + (int)i;
    }
    return (int)n;
}

int box_row(int base, struct row *r)
{
    for (int i = 0; i < 3; i++)
        r->o[i] = make(base * (i + 1));
    return 3;
}

int box_row_sum(const struct row *r)
{
    return mine(r->o[0])->v + mine(r->o[1])->v + mine(r->o[2])->v;
}

struct ref *box_list(size_t n, int base)
{
    struct ref *l = malloc(n * sizeof *l);

    /* what the memory held before: its padding keeps it (this process's
     * own, as a replica's differs from its siblings') */
    if (l)
        memset(l, (int)(getpid() & 0x7f) | 1, n * sizeof *l);
    for (size_t i = 0; l && i < n; i++) {
        l[i].o = make(base - (int)i);
        l[i].v = base - (int)i;
    }
    return l;
}

struct outer box_nest(int v)
{
    struct outer p = { { v, { { make(v) }, { make(v * 10) } } }, -v };

    return p;
}

int box_nest_sum(const struct outer *p)
{
    return p->m.k + mine(p->m.in[0].o)->v + mine(p->m.in[1].o)->v + p->tag;
}

int box_nest_swap(struct outer *p)
{
    struct inner t = p->m.in[0];

    p->m.in[0] = p->m.in[1];
    p->m.in[1] = t;
    p->tag++;
    return mine(p->m.in[0].o)->v;
}

int box_batch_sum(const struct batch *b)
{
    int sum = 0;

    for (size_t i = 0; i < b->n; i++)
        sum += mine(b->refs[i].o)->v * 100 + b->refs[i].v;
    return sum;
}

/* Turns the array round: every handle moves to another element. */
int box_batch_turn(struct batch *b)
{
    for (size_t i = 0; i < b->n / 2; i++) {
        struct ref t = b->refs[i];
        b->refs[i] = b->refs[b->n - 1 - i];
        b->refs[b->n - 1 - i] = t;
    }
    for (size_t i = 0; i < b->n; i++)
        b->refs[i].v = mine(b->refs[i].o)->v + (int)i;
    return (int)b->n;
}

/* The callback gets two of the box's objects and hands one back; where
 * it fails, its errno is told to the caller. */
int box_pick(int a, int b, box_pick_fn pick)
{
    struct obj *oa = make(a), *ob = make(b);
    struct obj *o;

    errno = 0;
    o = pick(oa, ob);
    if (!o)
        return -errno;
    return mine(o)->v;
}

/* The callback gets n fresh objects behind an FR_COUNT field, in memory
 * that held the process's own bytes (box_list). */
int box_visit_batch(size_t n, int base, box_batch_fn fn)
{
    struct batch b = { n, box_list(n, base) };
    int rc = b.refs ? fn(&b) : -1;

    free(b.refs);
    return rc;
}

int box_each(const struct ref *refs, size_t n, box_visit_fn visit)
{
    int sum = 0;

    for (size_t i = 0; i < n; i++) {
        mine(refs[i].o);
        sum += visit(refs[i]);
    }
    return sum;
}

/* With dst == src, the write through dst shows through src. */
int box_merge(struct ref *dst, const struct ref *src)
{
    dst->v += mine(src->o)->v;
    dst->o = src->o;
    return src->v;
}

/* Forward, element by element: where dst is src + 1, the first element
 * spreads, as in the plain build. */
int box_shift(struct ref *dst, const struct ref *src, size_t n)
{
    int sum = 0;

    for (size_t i = 0; i < n; i++) {
        dst[i].o = mine(src[i].o);
        dst[i].v = src[i].v + 1;
        sum += dst[i].v;
    }
    return sum;
}

void box_crash(void)
{
    const char *c = getenv("BOX_CRASH");

    if (c && *c == '1')
        raise(SIGKILL);
}

int box_label_len(const struct label *l)
{
    return (int)strlen(l->s);
}
