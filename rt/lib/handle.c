/*
 * handle.c - the tags handles carry outside the FMP that owns their
 * objects (handle.h): this FMP's own tag, made once, put on its pointers
 * as they leave and taken off as they come back, and the check of a tag
 * against the incarnation it names.  The value says it all, so a handle
 * is checked wherever it comes from, with no table -- but for two: the
 * lasting values of the objects FR_INIT calls returned (aliases), and,
 * in a replica, the numbers its objects go out as (numbers).  Both are
 * empty, and cost one load, where they do not apply.
 */
#include "handle.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
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
    int numbers;              /* a replica: its handles are numbers (handle.h) */
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

/* A replica's objects, numbered (handle.h): each pointer it hands out
 * goes out as a number its group's members all give it, made from the
 * call being served, and comes back as the pointer.  Two open-addressing
 * indexes (0 is never a key: no NULL handle, no number 0) into one array
 * of pairs, under one lock: a replica's workers mint at once.  Added to,
 * never shrunk: an object's end is not seen. */
struct numbered {
    uint64_t ptr, num;
};
static struct {
    pthread_mutex_t lock;
    struct numbered *e;       /* malloc */
    uint32_t *by_ptr, *by_num;/* malloc, cap slots each: index + 1, 0 empty */
    size_t n, cap;
    int said;                 /* out of memory was said */
} numbers = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The frame of a call this thread serves, and how many objects it has
 * numbered so far (fr__handle_serving). */
static __thread uint64_t serving_frame;
static __thread uint32_t serving_n;
int fr__handle_numbering;

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
    /* the crowd routes a call by the copy that made its objects (crowdcall.c):
     * their tags must say it */
    if (g->crowd)
        return 1;
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

static int replicates_anywhere(void)
{
    for (int k = 0; k < fr__rt.nfmps; k++)
        if (fr__group_replicates(k))
            return 1;
    return 0;
}

/* Whether a call may go to one of several sampled instances: a handle
 * must then name the instance that made its object (sample.c routes by
 * it, a sibling refuses it). */
static int samples_anywhere(void)
{
    for (int gi = 0; fr__rt.groups && gi < fr__rt.ngroups; gi++)
        if (fr__rt.groups[gi].kind == FR_GROUP_SAMPLE && fr__rt.groups[gi].n > 1)
            return 1;
    return 0;
}

static void numbers_reset(void)
{
    pthread_mutex_lock(&numbers.lock);
    free(numbers.e);
    free(numbers.by_ptr);
    free(numbers.by_num);
    numbers.e = NULL;
    numbers.by_ptr = numbers.by_num = NULL;
    numbers.n = numbers.cap = 0;
    pthread_mutex_unlock(&numbers.lock);
}

void fr__handle_adopt(uint32_t gen)
{
    unsigned bits = 1;

    tags.mine = tags.lasting = 0;
    tags.numbers = 0;
    fr__handle_numbering = 0;
    numbers_reset();
    pthread_mutex_lock(&aliases.lock);
    atomic_store(&aliases.n, 0);
    free(aliases.expect);
    aliases.expect = NULL;
    aliases.nexpect = 0;
    pthread_mutex_unlock(&aliases.lock);
    if (!reborn_anywhere() && !replicates_anywhere() && !samples_anywhere())
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
    tags.numbers = fr__handle_numbering = fr__group_replicates(fr__rt.self);
}

/* ---- a replica's numbers ---------------------------------------------------- */

static size_t slot_of(uint64_t v, size_t cap)
{
    return (size_t)((v >> 4) * 0x9e3779b97f4a7c15ull >> 20) & (cap - 1);
}

/* The slot of @key in @idx (what it holds, or the empty one it would take). */
static size_t index_find(const uint32_t *idx, size_t cap, uint64_t key, int by_num)
{
    size_t j = slot_of(key, cap);

    while (idx[j] && (by_num ? numbers.e[idx[j] - 1].num : numbers.e[idx[j] - 1].ptr) != key)
        j = (j + 1) & (cap - 1);
    return j;
}

/* Room for one more pair: 0, or -ENOMEM.  Under the lock. */
static int numbers_grow(void)
{
    if ((numbers.n + 1) * 2 <= numbers.cap)
        return 0;
    size_t cap = numbers.cap ? numbers.cap * 2 : 64;
    struct numbered *e = realloc(numbers.e, cap / 2 * sizeof *e);
    if (e)
        numbers.e = e;
    uint32_t *bp = calloc(cap, sizeof *bp), *bn = calloc(cap, sizeof *bn);
    if (!e || !bp || !bn || cap / 2 > UINT32_MAX) {
        free(bp);
        free(bn);
        return -ENOMEM;
    }
    free(numbers.by_ptr);
    free(numbers.by_num);
    numbers.by_ptr = bp;
    numbers.by_num = bn;
    numbers.cap = cap;
    for (size_t i = 0; i < numbers.n; i++) {
        bp[index_find(bp, cap, numbers.e[i].ptr, 0)] = (uint32_t)i + 1;
        bn[index_find(bn, cap, numbers.e[i].num, 1)] = (uint32_t)i + 1;
    }
    return 0;
}

/* The number of this replica's pointer @ptr: the one it went out as
 * before, else a new one made from the call being served and how many
 * objects it numbered already, the same in every member of the group (and
 * in a restarted member's replay).  0 when out of memory. */
static uint64_t number_out(uint64_t ptr)
{
    uint64_t num = 0;

    pthread_mutex_lock(&numbers.lock);
    if (numbers.cap) {
        uint32_t i = numbers.by_ptr[index_find(numbers.by_ptr, numbers.cap, ptr, 0)];
        if (i) {
            num = numbers.e[i - 1].num;
            goto out;
        }
    }
    if (numbers_grow() < 0) {
        if (!numbers.said++)
            fr__log("out of memory: replica FMP '%s' cannot number the handles it hands out; "
                    "calls that pass them vote without it", fr__rt.fmps[fr__rt.self].name);
        goto out;
    }
    num = fr__frame_id(serving_frame, serving_n++) & LOW_BITS;
    /* a number taken (2^-48 a pair): the next free one, alike in every
     * member that numbered the same objects */
    while (!num || numbers.by_num[index_find(numbers.by_num, numbers.cap, num, 1)])
        num = (num + 1) & LOW_BITS;
    numbers.e[numbers.n] = (struct numbered){ ptr, num };
    numbers.n++;
    numbers.by_ptr[index_find(numbers.by_ptr, numbers.cap, ptr, 0)] = (uint32_t)numbers.n;
    numbers.by_num[index_find(numbers.by_num, numbers.cap, num, 1)] = (uint32_t)numbers.n;
out:
    pthread_mutex_unlock(&numbers.lock);
    return num;
}

/* The pointer numbered @num here: 1 and *@ptr, or 0 (not one of ours). */
static int number_in(uint64_t num, uint64_t *ptr)
{
    int found = 0;

    pthread_mutex_lock(&numbers.lock);
    if (numbers.cap) {
        uint32_t i = numbers.by_num[index_find(numbers.by_num, numbers.cap, num, 1)];
        if ((found = i != 0))
            *ptr = numbers.e[i - 1].ptr;
    }
    pthread_mutex_unlock(&numbers.lock);
    return found;
}

void fr__handle_serving(struct fr_handle_frame *save, uint64_t frame)
{
    save->frame = serving_frame;
    save->n = serving_n;
    serving_frame = frame;
    serving_n = 0;
}

void fr__handle_served(const struct fr_handle_frame *save)
{
    serving_frame = save->frame;
    serving_n = save->n;
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
        uint64_t ptr = rf[k].len & LOW_BITS, num = ptr;
        if (tags.numbers && !number_in(num, &ptr))
            continue;         /* not numbered: out of memory, said */
        if ((uint16_t)(want >> TAG_SHIFT) != tags.lasting)
            want = num | (uint64_t)tags.lasting << TAG_SHIFT;
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
    if (tags.numbers) {
        /* a replica: its group's number for the object (NULL on failure:
         * nothing else would be alike in every member) */
        value = number_out(v);
        return value ? value | (uint64_t)tags.mine << TAG_SHIFT : 0;
    }
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
        /* a replica knows the numbers it handed out: a restarted one, not
         * those its group made before (handle.h) */
        if (tags.numbers)
            return number_in(*v & LOW_BITS, v) ? 0 : -ESTALE;
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

int fr__handle_owner(uint64_t v)
{
    uint16_t t = (uint16_t)(v >> TAG_SHIFT);

    if (!tags.mine || !v)
        return -1;
    if (!(t & TAG_MARK))
        return fr__rt.self;
    return (int)tag_owner(t);
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

int fr__handle_maker(const struct fr_call *c, int gi, int *j, int *other)
{
    const struct fr_group *g = &fr__rt.groups[gi];
    int found = -1;

    if (!tags.mine)
        return 0;
    for (unsigned i = 0; i < c->nfields; i++) {
        uint16_t t = (uint16_t)(c->fields[i].len >> TAG_SHIFT);
        unsigned o = tag_owner(t);

        if (c->fields[i].kind != FR_W_HANDLE || !(t & TAG_MARK) || o >= (unsigned)fr__rt.nfmps ||
            fr__rt.group_of[o] != gi)
            continue;
        for (int m = 0; m < g->n; m++) {
            if (g->member[m] != (int)o)
                continue;
            if (found >= 0 && found != m) {
                *j = found;
                *other = m;
                return -EXDEV;
            }
            found = m;
        }
    }
    if (found < 0)
        return 0;
    *j = found;
    return 1;
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

int fr__handle_maker_said(struct fr_call *c, int gi, int *j)
{
    const struct fr_group *g = &fr__rt.groups[gi];
    int other, made = c->nhandles ? fr__handle_maker(c, gi, j, &other) : 0;

    if (made < 0) {
        static __thread char why[512];
        snprintf(why, sizeof why,
                 "it passes handles of two instances of a sampled FMP ('%s' and '%s'), and no "
                 "one process holds both objects",
                 fr__rt.fmps[g->member[*j]].name, fr__rt.fmps[g->member[other]].name);
        fr__log("call to %s(): %s; the call fails with EXDEV",
                fr__rt.app->functions[c->fn].name, why);
        c->why = why;
        c->err = made;
    }
    return made;
}

/* The FR_INIT call this thread is about to make to one instance only, for
 * the sample policy to take: -1, none. */
static __thread int init_only = -1;

int fr__handle_init_member(struct fr_call *c, int peer)
{
    int gi = fr__rt.group_of ? fr__rt.group_of[peer] : -1, j = -1;

    init_only = -1;
    if (gi < 0 || fr__rt.groups[gi].kind != FR_GROUP_SAMPLE)
        return -1;
    int made = fr__handle_maker_said(c, gi, &j);
    if (made < 0)
        return made;
    return init_only = made ? fr__rt.groups[gi].member[j] : -1;
}

int fr__handle_init_only(void)
{
    int only = init_only;

    init_only = -1;           /* taken: calls nested in this one find none */
    return only;
}
