/*
 * handle.c - the tags handles carry outside the FMP that owns their
 * objects (handle.h): this FMP's own tag, made once, put on its pointers
 * as they leave and taken off as they come back, and the check of a tag
 * against the incarnation it names.  No table and no lock: the value says
 * it all, so a handle is checked wherever it comes from.
 */
#include "handle.h"

#include <errno.h>

#include <fracture/abi.h>

#include "group.h"
#include "state.h"
#include "wire.h"

#define TAG_SHIFT 48
#define TAG_MARK 0x8000u
#define LOW_BITS (((uint64_t)1 << TAG_SHIFT) - 1)

static struct {
    uint16_t mine;            /* this FMP's tag; 0: handles cross as they are */
    unsigned gen_bits;        /* the low bits of a tag: an incarnation */
} tags;

static unsigned tag_owner(uint16_t t)
{
    return (t & ~TAG_MARK) >> tags.gen_bits;
}

static unsigned tag_gen(uint32_t gen)
{
    return gen & ((1u << tags.gen_bits) - 1);
}

/* Replicas answer byte for byte alike, their handles too: a replica's
 * handle names its group, with no incarnation. */
static unsigned owner(int k)
{
    return (unsigned)(fr__group_replicates(k) ? fr__group_primary(k) : k);
}

/* Whether some FMP of the plan can come back as a new incarnation, whose
 * objects are not its predecessor's. */
static int reborn_anywhere(void)
{
    for (int k = 0; k < fr__rt.nfmps; k++)
        if (fr__rt.retries && fr__rt.retries[k] >= 0)
            return 1;
    for (int gi = 0; gi < fr__rt.ngroups; gi++) {
        const struct fr_group *g = &fr__rt.groups[gi];
        for (int j = 0; j < g->n; j++)
            if (g->restarts || (g->kind == FR_GROUP_SAMPLE && g->recycle[j]))
                return 1;
    }
    return 0;
}

void fr__handle_adopt(uint32_t gen)
{
    unsigned bits = 1;

    tags.mine = 0;
    if (!reborn_anywhere())
        return;
    /* every FMP index, and one value more that names none: a sentinel
     * such as (void *)-1 is then nobody's handle */
    while ((1u << bits) - 1 < (unsigned)fr__rt.nfmps)
        bits++;
    if (bits >= 15)
        return;               /* more FMPs than a tag can name: handles go unchecked */
    tags.gen_bits = 15 - bits;
    tags.mine = (uint16_t)(TAG_MARK | owner(fr__rt.self) << tags.gen_bits |
                           (fr__group_replicates(fr__rt.self) ? 0 : tag_gen(gen)));
}

uint64_t fr__handle_out(uint64_t v)
{
    /* top bits set: another FMP's handle passed on, or no user pointer */
    if (!tags.mine || v == 0 || v >> TAG_SHIFT)
        return v;
    return v | (uint64_t)tags.mine << TAG_SHIFT;
}

int fr__handle_in(uint64_t *v)
{
    uint16_t t = (uint16_t)(*v >> TAG_SHIFT);
    unsigned o;
    int gi;

    if (!tags.mine || !(t & TAG_MARK))
        return 0;
    if (t == tags.mine) {
        *v &= LOW_BITS;
        return 0;
    }
    o = tag_owner(t);
    if (o == tag_owner(tags.mine))
        return -ESTALE;       /* an earlier incarnation's: its object died with it */
    /* a sampled instance holds its own objects, not its siblings' */
    gi = fr__rt.group_of ? fr__rt.group_of[fr__rt.self] : -1;
    if (gi >= 0 && fr__rt.groups[gi].kind == FR_GROUP_SAMPLE && o < (unsigned)fr__rt.nfmps &&
        fr__rt.group_of[o] == gi)
        return -ESTALE;
    return 0;
}

int fr__handle_check(const struct fr_call *c, int peer, uint32_t gen)
{
    if (!tags.mine || fr__group_replicates(peer))
        return 0;
    for (unsigned i = 0; i < c->nfields; i++) {
        uint16_t t = (uint16_t)(c->fields[i].len >> TAG_SHIFT);

        if (c->fields[i].kind == FR_W_HANDLE && (t & TAG_MARK) &&
            tag_owner(t) == (unsigned)peer && tag_gen(t) != tag_gen(gen))
            return -ESTALE;
    }
    return 0;
}
