/* The tidy_shapes case (see shape.c): prints every field of what the
 * shape module sends, the same plain, split and under three voting
 * replicas; the callbacks it passes get structs from the replicas. */
#include <stdio.h>
#include <stdlib.h>

#include "shape.h"

static void print_bits(const char *what, const struct bits *b)
{
    printf("%s: ready %u kind %u level %d tag %c wide %u on %d count %#llx\n", what, b->ready,
           b->kind, b->level, b->tag, b->wide, b->on, (unsigned long long)b->count);
}

static void print_sample(const char *what, const struct sample *s)
{
    unsigned sum = 0;

    for (size_t i = 4; i < sizeof s->v.raw; i++)
        sum += s->v.raw[i];
    printf("%s: unit %c i %d raw %u scale %d half %u pair %u,%u\n", what, s->unit, (int)s->v.i,
           sum, s->scale, s->half, s->pair[0], s->pair[1]);
}

static void print_stamp(const char *what, const struct stamp *t)
{
    printf("%s: zone %c at %lld.%09ld seq %u\n", what, t->zone, (long long)t->at.tv_sec,
           t->at.tv_nsec, t->seq);
}

static void print_report(const char *what, const struct report *r)
{
    printf("%s: id %u\n", what, r->id);
    print_bits("  flags[0]", &r->flags[0]);
    print_bits("  flags[1]", &r->flags[1]);
    print_stamp("  when", &r->when);
    print_sample("  s", &r->s);
}

static void print_cq(const char *what, const struct cq *q)
{
    printf("%s: k %u w %u\n", what, q->k, q->w);
}

static void print_holder(const char *what, const struct holder *h)
{
    printf("%s: in %c %d k %d\n", what, h->in.c, h->in.i, h->k);
}

static void print_flock(const char *what, const struct flock *l)
{
    printf("%s: type %d whence %d start %lld len %lld pid %d\n", what, l->l_type, l->l_whence,
           (long long)l->l_start, (long long)l->l_len, (int)l->l_pid);
}

/* Callbacks the replicas call: what they pass is compared with the
 * leader's. */
static int visit(struct report r)
{
    print_report("visited", &r);
    return r.id + r.when.seq;
}

static int peek(FR_IN(n) const struct bits *b, size_t n)
{
    int sum = 0;

    for (size_t i = 0; i < n; i++) {
        print_bits("  peeked", &b[i]);
        sum += b[i].level;
    }
    return sum;
}

static int lock(struct flock fl, const struct holder *h)
{
    print_flock("locked", &fl);
    print_holder("  held", h);
    return (int)fl.l_len + h->k;
}

static int third(long double x)
{
    return (int)(x * 3000.0L);
}

static int bag(const struct bag *b)
{
    int sum = 0;

    for (size_t i = 0; i < b->n; i++) {
        printf("  bagged: %c %d\n", b->items[i].c, b->items[i].i);
        sum += b->items[i].i;
    }
    return sum;
}

int main(void)
{
    struct bits b = shape_bits(5), bs[3];
    struct sample s = shape_sample(4), so;
    struct stamp t = shape_stamp(2), *ts;
    struct report r;
    struct cq q = shape_cq(13), qs[2];
    struct holder h = shape_holder(6);
    struct locked lk;
    struct flock fl = shape_flock(8);
    struct cr c = shape_cr(3);
    struct ld l;
    char what[16];

    print_bits("bits", &b);
    printf("bits out: %d\n", shape_bits_out(9, 3, bs));
    for (int i = 0; i < 3; i++) {
        snprintf(what, sizeof what, "  out[%d]", i);
        print_bits(what, &bs[i]);
    }
    print_sample("sample", &s);
    printf("sample out: %d\n", shape_sample_out(7, &so));
    print_sample("  out", &so);
    print_stamp("stamp", &t);
    ts = shape_stamps(2, 30);
    if (!ts)
        return 1;
    print_stamp("stamps[0]", &ts[0]);
    print_stamp("stamps[1]", &ts[1]);
    free(ts);
    printf("report: %d\n", shape_report(11, &r));
    print_report("  out", &r);
    printf("visit: %d\n", shape_visit(20, visit));
    printf("peek: %d\n", shape_peek(3, 2, peek));
    print_cq("cq", &q);
    printf("cq out: %d\n", shape_cq_out(21, 2, qs));
    print_cq("  out[0]", &qs[0]);
    print_cq("  out[1]", &qs[1]);
    print_holder("holder", &h);
    printf("locked: %d\n", shape_locked(4, &lk));
    printf("  fd %d\n", lk.fd);
    print_flock("  fl", &lk.fl);
    print_flock("flock", &fl);
    printf("cr: n %d tag %c\n", c.n, c.tag);
    printf("lock: %d\n", shape_lock(5, lock));
    printf("bag: %d\n", shape_bag(2, 3, bag));
    printf("ld: %d\n", shape_ld(10, &l));
    printf("  v %.3Lf k %d\n", l.v, l.k);
    printf("pair: %d %d\n", shape_pair(6).a, shape_pair(6).b);
    printf("third: %.4Lf, called back %d\n", shape_third(5), shape_third_call(7, third));
    return 0;
}
