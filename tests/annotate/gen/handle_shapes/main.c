#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "box.h"

static void said(const char *what, int v)
{
    printf("%s: %d (%s)\n", what, v, v < 0 ? strerror(errno) : "ok");
}

/* Callbacks the box calls: they call back into it for the values. */
FR_ON_FAILURE(NULL, EIO) static struct obj *larger(struct obj *a, struct obj *b)
{
    return box_value(a) >= box_value(b) ? a : b;
}

static struct obj *kept;

/* Hands back a handle the box made before, not one of the two it passed. */
FR_ON_FAILURE(NULL, EIO) static struct obj *earlier(struct obj *a, struct obj *b)
{
    (void)a;
    (void)b;
    return kept;
}

FR_ON_FAILURE(-1, EIO) static int visit(struct ref r)
{
    return box_value(r.o) * 10 + r.v;
}

FR_ON_FAILURE(-1, EIO) static int visit_batch(const struct batch *b)
{
    int sum = 0;

    for (size_t i = 0; i < b->n; i++)
        sum += visit(b->refs[i]);
    return sum;
}

/* Each call after the crash starts with errno clear, so that a success
 * says so whatever came before. */
#define SAID(what, call) (errno = 0, said(what, call))

/* A call that tells its failure in its value: -errno. */
static void told(const char *what, int v)
{
    printf("%s: %d (%s)\n", what, v, v < 0 ? strerror(-v) : "ok");
}

int main(void)
{
    struct tagged t;
    struct ref refs[4], turned[4], r;
    struct row row;
    struct outer nest;
    struct batch b = { 4, turned };
    struct ref *list;

    said("tag", box_tag(6, 7, &t));
    said("anonymous member", box_tagged(&t));
    said("mint", box_mint(4, 20, refs));
    printf("minted: %d %d %d %d\n", box_value(refs[0].o), box_value(refs[1].o),
           box_value(refs[2].o), refs[3].v);
    said("row", box_row(5, &row));
    said("row sum", box_row_sum(&row));
    list = box_list(3, 50);
    printf("list: %d %d %d\n", box_value(list[0].o), box_value(list[1].o), list[2].v);
    nest = box_nest(3);
    said("nested", box_nest_sum(&nest));
    said("nested swapped", box_nest_swap(&nest));
    said("nested again", box_nest_sum(&nest));
    printf("nested tag %d, inner %d\n", nest.tag, box_value(nest.m.in[1].o));
    memcpy(turned, refs, sizeof refs);
    said("batch", box_batch_sum(&b));
    said("batch turned", box_batch_turn(&b));
    printf("turned: %d %d %d %d\n", turned[0].v, turned[1].v, turned[2].v, turned[3].v);
    said("batch again", box_batch_sum(&b));
    told("pick", box_pick(4, 9, larger));
    kept = refs[2].o;
    told("pick earlier", box_pick(1, 2, earlier));
    said("each", box_each(refs, 4, visit));
    printf("label: %d\n", box_label_len(&(struct label){ "seven!!" }));
    said("visit batch", box_visit_batch(3, 30, visit_batch));
    r = refs[1];
    said("merge itself", box_merge(&r, &r));
    printf("merged: %d, same object: %s\n", r.v, r.o == refs[1].o ? "yes" : "no");
    said("merge other", box_merge(&r, &refs[0]));
    printf("merged: %d, same object: %s\n", r.v, r.o == refs[0].o ? "yes" : "no");
    memcpy(turned, refs, sizeof refs);
    said("shift", box_shift(turned + 1, turned, 3));
    /* turned[0] was only read (FR_IN), in the region the call wrote: its
     * handle comes back as it went */
    printf("shifted: %d %d %d %d, first object everywhere: %s, the first still %d\n",
           turned[0].v, turned[1].v, turned[2].v, turned[3].v,
           turned[0].o == refs[0].o && turned[1].o == refs[0].o && turned[3].o == refs[0].o
               ? "yes" : "no",
           box_value(turned[0].o));
    fflush(stdout);

    box_crash();              /* stale.yaml: the box dies, and comes back */
    SAID("anonymous member", box_tagged(&t));
    SAID("row sum", box_row_sum(&row));
    SAID("nested", box_nest_sum(&nest));
    SAID("nested swapped", box_nest_swap(&nest));
    SAID("batch", box_batch_sum(&b));
    SAID("batch turned", box_batch_turn(&b));
    SAID("listed", box_value(list[0].o));
    SAID("each", box_each(refs, 4, visit));
    told("pick earlier", box_pick(1, 2, earlier));
    SAID("merge itself", box_merge(&refs[1], &refs[1]));
    SAID("shift", box_shift(refs + 1, refs, 3));
    SAID("mint again", box_mint(2, 70, refs));
    said("new ones", box_value(refs[0].o) + box_value(refs[1].o));
    told("pick", box_pick(8, 3, larger));
    said("each new", box_each(refs, 2, visit));
    free(list);
    return 0;
}
