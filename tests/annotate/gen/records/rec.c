/* Records copied deep: FR_COUNT arrays, FR_STRING and FR_OPAQUE fields,
 * an FR_COUNT array of records with strings of their own; in, in and out,
 * and by value; a record with a const member, in and out. */
#include <fracture.h>
#include <stdio.h>
#include <string.h>
#include "rec.h"

FRACTURE_MODULE(rec, 0);

long rec_total(const struct batch *b)
{
    long s = 0;
    for (size_t i = 0; i < b->n; i++)
        s += b->items[i];
    for (size_t i = 0; i < b->ntags; i++)
        s += (long)strlen(b->tags[i].name) * b->tags[i].weight;
    return s + (long)strlen(b->label) + (b->cache ? 1000 : 0);
}

void rec_scale(FR_INOUT(k) struct batch *b, size_t k, int f)
{
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < b[j].n; i++)
            b[j].items[i] *= f;
        for (size_t i = 0; i < b[j].ntags; i++)
            b[j].tags[i].weight += f;
        b[j].version++;
    }
}

int rec_label(struct labelled l)
{
    return (int)strlen(l.text) * l.mult;
}

int rec_bump(struct stamped *s)
{
    for (size_t i = 0; i < s->n; i++)
        s->v[i] += s->id;
    return s->id;
}

void rec_weigh(struct weights *s)
{
    s->sum = 0;
    for (size_t i = 0; i < s->n; i++) {
        s->sum += s->w[i];
        s->out[i] = s->w[i] * 2;
    }
}
