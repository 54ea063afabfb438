/*
 * handle.c - the tags handles carry outside the FMP that owns their
 * objects (handle.h): this FMP's own tag, made once, put on its pointers
 * as they leave and taken off as they come back, and the check of a tag
 * against the incarnation it names.  The value says it all, so a handle
 * is checked wherever it comes from, with no table -- but for two: the
 * lasting values of the objects FR_INIT calls returned (aliases), and,
 * in a replica that restarted, the pointers it has handed out since
 * (minted).  Both are empty, and cost one load, where they do not apply.
 */
#include "handle.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <fracture/abi.h>

#include "group.h"
#include "log.h"
#include "state.h"
#include "wire.h"

#define TAG_SHIFT 48
#define TAG_MARK 0x8000u
#define LOW_BITS (((uint64_t)1 << TAG_SHIFT) - 1)

static struct {
    uint16_t mine;            /* this FMP's tag; 0: handles cross as they are */
    uint16_t lasting;         /* this FMP's tag for FR_INIT objects (0: not reborn) */
    unsigned gen_bits;        /* the low bits of a tag: an incarnation, or LASTING */
    int counts;               /* a restarted replica: keeps what it minted */
} tags;

/* The FR_INIT objects of this FMP: the lasting value each goes out as,
 * and its pointer here.  Added to, never shrunk; read under the lock once
 * `n` says there is anything. */
struct alias {
    uint64_t value, ptr;
};
static struct {
    pthread_mutex_t lock;
    struct alias *a;          /* malloc */
    size_t cap;
    _Atomic size_t n;
    uint64_t *expect;         /* the root's values for the replay next (malloc) */
    unsigned nexpect;
    int said;                 /* a clash was said */
} aliases = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* A restarted replica's own pointers handed out since it started: an
 * open-addressing set (0 is never a pointer handed out). */
static struct {
    pthread_mutex_t lock;
    uint64_t *slot;           /* malloc, cap a power of two */
    size_t n, cap;
    int said;                 /* out of memory was said */
} minted = { .lock = PTHREAD_MUTEX_INITIALIZER };

static unsigned tag_owner(uint16_t t)
{
    return (t & ~TAG_MARK) >> tags.gen_bits;
}

static unsigned gen_mask(void)
{
    return (1u << tags.gen_bits) - 1;
}

/* An incarnation's value in a tag: modulo 2^bits - 1, the all-ones value
 * being LASTING's. */
static unsigned tag_gen(uint32_t gen)
{
    return gen % gen_mask();
}

/* Replicas answer byte for byte alike, their handles too: a replica's
 * handle names its group, with no incarnation. */
static unsigned owner(int k)
{
    return (unsigned)(fr__group_replicates(k) ? fr__group_primary(k) : k);
}

/* Whether FMP @k can come back as a new incarnation, whose objects are
 * not its predecessor's. */
static int reborn(int k)
{
    int gi = fr__rt.group_of ? fr__rt.group_of[k] : -1;

    if (fr__rt.retries && fr__rt.retries[k] >= 0)
        return 1;
    if (gi < 0)
        return 0;
    const struct fr_group *g = &fr__rt.groups[gi];
    for (int j = 0; j < g->n; j++)
        if (g->member[j] == k && (g->restarts || (g->kind == FR_GROUP_SAMPLE && g->recycle[j])))
            return 1;
    return 0;
}

static int reborn_anywhere(void)
{
    for (int k = 0; k < fr__rt.nfmps; k++)
        if (reborn(k))
            return 1;
    return 0;
}

static void minted_reset(void)
{
    pthread_mutex_lock(&minted.lock);
    free(minted.slot);
    minted.slot = NULL;
    minted.n = minted.cap = 0;
    pthread_mutex_unlock(&minted.lock);
}

void fr__handle_adopt(uint32_t gen)
{
    unsigned bits = 1;

    tags.mine = tags.lasting = 0;
    tags.counts = 0;
    minted_reset();
    pthread_mutex_lock(&aliases.lock);
    atomic_store(&aliases.n, 0);
    free(aliases.expect);
    aliases.expect = NULL;
    aliases.nexpect = 0;
    pthread_mutex_unlock(&aliases.lock);
    if (!reborn_anywhere())
        return;
    /* every FMP index, and one value more that names none: a sentinel
     * such as (void *)-1 is then nobody's handle */
    while ((1u << bits) - 1 < (unsigned)fr__rt.nfmps)
        bits++;
    if (bits > 13)
        return;               /* more FMPs than a tag can name: handles go unchecked */
    tags.gen_bits = 15 - bits;
    uint16_t who = (uint16_t)(TAG_MARK | owner(fr__rt.self) << tags.gen_bits);
    tags.mine = (uint16_t)(who | (fr__group_replicates(fr__rt.self) ? 0 : tag_gen(gen)));
    if (reborn(fr__rt.self))
        tags.lasting = (uint16_t)(who | gen_mask());
    tags.counts = fr__group_replicates(fr__rt.self) && gen > 0;
}

/* ---- the minted set ------------------------------------------------------- */

static size_t slot_of(uint64_t v, size_t cap)
{
    return (size_t)((v >> 4) * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
}

static void minted_add(uint64_t v)
{
    pthread_mutex_lock(&minted.lock);
    if ((minted.n + 1) * 2 > minted.cap) {
        size_t cap = minted.cap ? minted.cap * 2 : 64;
        uint64_t *s = calloc(cap, sizeof *s);
        if (!s) {
            if (!minted.said++)
                fr__log("out of memory: a replica that restarted cannot keep the handles it "
                        "hands out; its group's calls that pass them vote without it");
            pthread_mutex_unlock(&minted.lock);
            return;
        }
        for (size_t i = 0; i < minted.cap; i++)
            if (minted.slot[i]) {
                size_t j = slot_of(minted.slot[i], cap);
                while (s[j])
                    j = (j + 1) & (cap - 1);
                s[j] = minted.slot[i];
            }
        free(minted.slot);
        minted.slot = s;
        minted.cap = cap;
    }
    size_t j = slot_of(v, minted.cap);
    while (minted.slot[j] && minted.slot[j] != v)
        j = (j + 1) & (minted.cap - 1);
    if (!minted.slot[j]) {
        minted.slot[j] = v;
        minted.n++;
    }
    pthread_mutex_unlock(&minted.lock);
}

static int minted_has(uint64_t v)
{
    int found = 0;

    pthread_mutex_lock(&minted.lock);
    if (minted.cap)
        for (size_t j = slot_of(v, minted.cap); minted.slot[j] && !found;
             j = (j + 1) & (minted.cap - 1))
            found = minted.slot[j] == v;
    pthread_mutex_unlock(&minted.lock);
    return found;
}

/* ---- aliases ---------------------------------------------------------------- */

/* The alias whose value (@by_value) or pointer is @v: 1 with the other
 * half in *@out, or 0. */
static int alias_find(uint64_t v, int by_value, uint64_t *out)
{
    int found = 0;

    pthread_mutex_lock(&aliases.lock);
    for (size_t i = 0, n = atomic_load(&aliases.n); i < n && !found; i++) {
        const struct alias *a = &aliases.a[i];
        if ((found = (by_value ? a->value : a->ptr) == v))
            *out = by_value ? a->ptr : a->value;
    }
    pthread_mutex_unlock(&aliases.lock);
    return found;
}

/* Pointer @ptr goes out as @value from now on: 0, -EEXIST when @value
 * names another object here, or -ENOMEM. */
static int alias_add(uint64_t value, uint64_t ptr)
{
    int rc = 0;
    size_t n;

    pthread_mutex_lock(&aliases.lock);
    n = atomic_load(&aliases.n);
    for (size_t i = 0; i < n && rc == 0; i++)
        if (aliases.a[i].value == value)
            rc = aliases.a[i].ptr == ptr ? 1 : -EEXIST;
    if (rc == 0 && n == aliases.cap) {
        size_t cap = aliases.cap ? aliases.cap * 2 : 16;
        struct alias *a = realloc(aliases.a, cap * sizeof *a);
        if (a) {
            aliases.a = a;
            aliases.cap = cap;
        } else {
            rc = -ENOMEM;
        }
    }
    if (rc == 0) {
        aliases.a[n] = (struct alias){ value, ptr };
        atomic_store(&aliases.n, n + 1);
    }
    pthread_mutex_unlock(&aliases.lock);
    return rc < 0 ? rc : 0;
}

int fr__handle_expect(const uint64_t *v, unsigned n)
{
    uint64_t *copy = n ? malloc(n * sizeof *copy) : NULL;

    if (n && !copy)
        return -ENOMEM;
    if (n)
        memcpy(copy, v, n * sizeof *copy);
    pthread_mutex_lock(&aliases.lock);
    free(aliases.expect);
    aliases.expect = copy;
    aliases.nexpect = n;
    pthread_mutex_unlock(&aliases.lock);
    return 0;
}

void fr__handle_init_reply(struct fr__field *rf, unsigned n)
{
    uint64_t *expect;
    unsigned nexpect, i = 0;

    pthread_mutex_lock(&aliases.lock);
    expect = aliases.expect;
    nexpect = aliases.nexpect;
    aliases.expect = NULL;
    aliases.nexpect = 0;
    pthread_mutex_unlock(&aliases.lock);
    for (unsigned k = 0; tags.lasting && k < n; k++) {
        uint16_t t = (uint16_t)(rf[k].len >> TAG_SHIFT);
        if (rf[k].kind != FR_W_HANDLE || !(t & TAG_MARK) || tag_owner(t) != tag_owner(tags.mine))
            continue;         /* not a handle of ours */
        /* the value the root recorded for this one, if it is a replay */
        uint64_t want = i < nexpect ? expect[i] : 0;
        i++;
        if (t != tags.mine)
            continue;         /* lasting already: an earlier FR_INIT call's object */
        uint64_t ptr = rf[k].len & LOW_BITS;
        if ((uint16_t)(want >> TAG_SHIFT) != tags.lasting)
            want = ptr | (uint64_t)tags.lasting << TAG_SHIFT;
        int rc = alias_add(want, ptr);
        if (rc == 0)
            rf[k].len = want;
        else if (!aliases.said++)
            fr__log("%s: a handle an FR_INIT call returns dies with this incarnation of FMP "
                    "'%s' (its object is not made again after a restart)",
                    rc == -EEXIST ? "an earlier incarnation's FR_INIT object had its address"
                                  : "out of memory",
                    fr__rt.fmps[fr__rt.self].name);
    }
    free(expect);
}

/* ---- in and out --------------------------------------------------------------- */

uint64_t fr__handle_out(uint64_t v)
{
    uint64_t value;

    /* top bits set: another FMP's handle passed on, or no user pointer */
    if (!tags.mine || v == 0 || v >> TAG_SHIFT)
        return v;
    /* an FR_INIT object leaves as its lasting value, wherever it leaves */
    if (atomic_load_explicit(&aliases.n, memory_order_acquire) && alias_find(v, 0, &value))
        return value;
    if (tags.counts)
        minted_add(v);
    return v | (uint64_t)tags.mine << TAG_SHIFT;
}

int fr__handle_in(uint64_t *v)
{
    uint16_t t = (uint16_t)(*v >> TAG_SHIFT);
    uint64_t ptr;
    unsigned o;
    int gi;

    if (!tags.mine || !(t & TAG_MARK))
        return 0;
    if (t == tags.mine) {
        /* a restarted replica holds what it handed out, not all its
         * group's (handle.h) */
        if (tags.counts && !minted_has(*v & LOW_BITS))
            return -ESTALE;
        *v &= LOW_BITS;
        return 0;
    }
    o = tag_owner(t);
    if (o == tag_owner(tags.mine)) {
        /* one of ours: an FR_INIT object, made again here, or an earlier
         * incarnation's, whose object died with it */
        if (t == tags.lasting && atomic_load(&aliases.n) && alias_find(*v, 1, &ptr)) {
            *v = ptr;
            return 0;
        }
        return -ESTALE;
    }
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
        unsigned tg = t & gen_mask();

        if (c->fields[i].kind == FR_W_HANDLE && (t & TAG_MARK) &&
            tag_owner(t) == (unsigned)peer && tg != gen_mask() && tg != tag_gen(gen))
            return -ESTALE;
    }
    return 0;
}

/* ---- the root's view ------------------------------------------------------------ */

unsigned fr__handle_lasting(const unsigned char *rep, uint64_t len, int k, uint64_t *out,
                            unsigned max)
{
    unsigned n = 0;

    if (!tags.mine || !reborn(k))
        return 0;
    uint16_t want = (uint16_t)(TAG_MARK | owner(k) << tags.gen_bits | gen_mask());
    for (struct fr_wire_reader rd = { rep, rep + len }; rd.p && rd.p < rd.end;) {
        struct fr_wire_field f;
        if (fr__wire_next(&rd, &f) < 0)
            break;
        if (f.kind == FR_W_HANDLE && (uint16_t)(f.len >> TAG_SHIFT) == want) {
            if (n < max)
                out[n] = f.len;
            n++;
        }
    }
    return n;
}

int fr__handle_alike(uint64_t a, uint64_t b)
{
    uint16_t ta = (uint16_t)(a >> TAG_SHIFT), tb = (uint16_t)(b >> TAG_SHIFT);

    return a == b || (tags.mine && (ta & TAG_MARK) && (tb & TAG_MARK) &&
                      tag_owner(ta) != tag_owner(tb));
}

uint32_t fr__handle_period(int k)
{
    /* a replica's tags name no incarnation: nothing comes round */
    return tags.mine && !fr__group_replicates(k) ? gen_mask() : 0;
}

int fr__handle_wraps(int k, uint32_t gen)
{
    uint32_t p = fr__handle_period(k);

    return p && gen >= p;
}
