/*
 * meta.c - the thread's metadata set (fracture/meta.h): its items, their
 * encoding into a message header's entries, and the set adopted from each
 * message received, by Causeway's rules.
 *
 * On the wire an item is a head entry {key: its identifier, value: type
 * << 32 | kind << 16 | length} followed by its value, 16 bytes an entry
 * (a u64: one entry, its low 8 bytes).  What a peer sends is untrusted:
 * an entry that does not parse ends the set there.
 *
 * Propagation (Causeway's, the same in every deployment): a request's set
 * is the callee's set, as it is (its own items that travel are dropped,
 * its items that do not travel stay); a reply's set is merged into the
 * caller's (fr__meta_adopt).  The transfer-point callbacks run before the
 * set is encoded and after it is decoded (fr__meta_send, fr__meta_recv),
 * both where a channel carries it and in a call inside one FMP (local.c).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "log.h"
#include "meta.h"
#include "metatype.h"
#include "state.h"

_Static_assert(FR_META_WIRE + FR__META_PIN_ENTRIES == FR_META_MAX,
               "a slot holds the thread's room and the pins'");
_Static_assert(FR__META_PINS_MAX * 2 <= FR_META_BYTES_MAX, "the pins are one bytes item");
_Static_assert(sizeof(struct fr_meta_ent) == 16, "an entry carries 16 bytes of a value");

static __thread struct fr__meta_set tl_meta;
__thread int fr__meta_quiet;

static unsigned entries_of(uint8_t kind, size_t len)
{
    return 1 + (kind == FR_META_U64 ? 1 : (unsigned)((len + 15) / 16));
}

static int find(const struct fr__meta_set *s, uint32_t type, uint64_t id)
{
    for (unsigned i = 0; i < s->n; i++)
        if (s->e[i].type == type && s->e[i].id == id)
            return (int)i;
    return -1;
}

static void drop(struct fr__meta_set *s, unsigned i)
{
    if (s->e[i].travels)
        s->wire -= entries_of(s->e[i].kind, s->e[i].v.len);
    else
        s->nlocal--;
    s->e[i] = s->e[--s->n];
}

int fr_meta_insert(uint32_t type, uint64_t id, const void *value, size_t len)
{
    struct fr__meta_set *s = &tl_meta;
    struct fr_meta_type t;
    int i;

    if (fr__metatype_get(type, &t) < 0)
        return -ENOENT;
    if (t.kind == FR_META_U64 && len != sizeof(uint64_t))
        return -EINVAL;
    if (t.kind == FR_META_BYTES && len > FR_META_BYTES_MAX)
        return -EMSGSIZE;
    if (len && !value)
        return -EINVAL;
    uint8_t travels = (t.mask & FR_META_CALLS) != 0;
    size_t vlen = t.kind == FR_META_U64 ? 0 : len;
    i = find(s, type, id);
    if (travels) {
        unsigned old = i >= 0 ? entries_of(s->e[i].kind, s->e[i].v.len) : 0;
        if (s->wire - old + entries_of((uint8_t)t.kind, vlen) > FR_META_WIRE)
            return -ENOSPC;
    } else if (i < 0 && s->nlocal == FR_META_WIRE) {
        return -ENOSPC;
    }
    if (i >= 0)
        drop(s, (unsigned)i);
    struct fr__meta_item *it = &s->e[s->n++];
    memset(it, 0, sizeof *it);
    it->type = type;
    it->kind = (uint8_t)t.kind;
    it->travels = travels;
    it->id = id;
    it->v.len = vlen;
    if (t.kind == FR_META_U64)
        memcpy(&it->v.u64, value, sizeof it->v.u64);
    else if (len)
        memcpy(it->v.bytes, value, len);
    if (travels)
        s->wire += entries_of(it->kind, vlen);
    else
        s->nlocal++;
    return 0;
}

int fr_meta_insert_u64(uint32_t type, uint64_t id, uint64_t value)
{
    return fr_meta_insert(type, id, &value, sizeof value);
}

int fr_meta_lookup(uint32_t type, uint64_t id, struct fr_meta_value *out)
{
    int i = find(&tl_meta, type, id);

    if (i < 0)
        return -ENOENT;
    *out = tl_meta.e[i].v;
    return 0;
}

int fr_meta_lookup_u64(uint32_t type, uint64_t id, uint64_t *value)
{
    int i = find(&tl_meta, type, id);

    if (i < 0 || tl_meta.e[i].kind != FR_META_U64)
        return -ENOENT;
    *value = tl_meta.e[i].v.u64;
    return 0;
}

int fr_meta_remove(uint32_t type, uint64_t id)
{
    int i = find(&tl_meta, type, id);

    if (i < 0)
        return -ENOENT;
    drop(&tl_meta, (unsigned)i);
    return 0;
}

unsigned fr_meta_types(uint32_t *out, unsigned max)
{
    unsigned n = 0;

    for (unsigned i = 0; i < tl_meta.n; i++) {
        unsigned j = 0;
        while (j < i && tl_meta.e[j].type != tl_meta.e[i].type)
            j++;
        if (j < i)
            continue;         /* counted at its first item */
        if (n < max)
            out[n] = tl_meta.e[i].type;
        n++;
    }
    return n;
}

int fr_meta_set(uint64_t key, uint64_t value)
{
    return fr_meta_insert_u64(FR__META_KEY_TYPE, key, value);
}

int fr_meta_get(uint64_t key, uint64_t *value)
{
    return fr_meta_lookup_u64(FR__META_KEY_TYPE, key, value);
}

int fr_meta_del(uint64_t key)
{
    return fr_meta_remove(FR__META_KEY_TYPE, key);
}

int fr_meta_register_merge(uint64_t key, fr_meta_merge_fn fn)
{
    return fr__metatype_key_merge(key, fn);
}

unsigned fr__meta_count(void)
{
    return tl_meta.n - tl_meta.nlocal + (tl_meta.npins != 0);
}

unsigned fr__meta_pin(unsigned g)
{
    return g < FR__META_PINS_MAX ? tl_meta.pins[g] : 0;
}

void fr__meta_pin_set(unsigned g, unsigned value)
{
    FR_ASSERTF(g < FR__META_PINS_MAX && value <= 255, "pin %u of group %u", value, g);
    tl_meta.npins += (value != 0) - (tl_meta.pins[g] != 0);
    tl_meta.pins[g] = (uint8_t)value;
}

/* Item @it as header entries at @out: how many (entries_of). */
static inline unsigned encode(const struct fr__meta_item *it, struct fr_meta_ent *out)
{
    unsigned k = 0;

    out[k].key = it->id;
    out[k].value = (uint64_t)it->type << 32 | (uint64_t)it->kind << 16 | it->v.len;
    k++;
    if (it->kind == FR_META_U64) {
        out[k].key = it->v.u64;
        out[k].value = 0;
        return k + 1;
    }
    for (size_t off = 0; off < it->v.len; off += 16, k++) {
        size_t c = it->v.len - off < 16 ? it->v.len - off : 16;
        memset(&out[k], 0, sizeof out[k]);
        memcpy(&out[k], it->v.bytes + off, c);
    }
    return k;
}

unsigned fr__meta_export(struct fr_meta_ent *out)
{
    unsigned k = 0;

    for (unsigned i = 0; i < tl_meta.n; i++)
        if (tl_meta.e[i].travels)
            k += encode(&tl_meta.e[i], out + k);
    if (tl_meta.npins) {
        struct fr__meta_item it = { .type = FR__META_PIN_TYPE, .kind = FR_META_BYTES };
        for (unsigned g = 0; g < FR__META_PINS_MAX; g++)
            if (tl_meta.pins[g]) {
                it.v.bytes[it.v.len++] = (unsigned char)g;
                it.v.bytes[it.v.len++] = tl_meta.pins[g];
            }
        k += encode(&it, out + k);
    }
    return k;
}

/* The pins a request brought (@it, untrusted) as @s's: what names no
 * group a plan may have, or no member, is left out. */
static void take_pins(struct fr__meta_set *s, const struct fr__meta_item *it)
{
    for (size_t i = 0; it->kind == FR_META_BYTES && i + 1 < it->v.len; i += 2) {
        unsigned g = it->v.bytes[i], v = it->v.bytes[i + 1];
        if (g < FR__META_PINS_MAX && v && !s->pins[g]) {
            s->pins[g] = (uint8_t)v;
            s->npins++;
        }
    }
}

/* Whether items of @type go with a child process (FR_META_EXEC). */
static int inherits(uint32_t type)
{
    struct fr_meta_type t;

    return fr__metatype_get(type, &t) == 0 && (t.mask & FR_META_EXEC);
}

unsigned fr__meta_fork_child(struct fr_meta_ent *out)
{
    unsigned k = 0;

    memset(tl_meta.pins, 0, sizeof tl_meta.pins);   /* a new process is in no call */
    tl_meta.npins = 0;
    for (unsigned i = 0; i < tl_meta.n;) {
        if (!inherits(tl_meta.e[i].type)) {
            drop(&tl_meta, i);
            continue;
        }
        k += encode(&tl_meta.e[i], out + k);
        i++;
    }
    return k;
}

static int equal(const struct fr__meta_item *a, const struct fr__meta_item *b)
{
    if (a->kind == FR_META_U64)
        return a->v.u64 == b->v.u64;
    return a->v.len == b->v.len && !memcmp(a->v.bytes, b->v.bytes, a->v.len);
}

/* The next item of @in at *@k into @it: 1, or 0 at the end or at an entry
 * that does not parse. */
static int parse(const struct fr_meta_ent *in, unsigned n, unsigned *k, struct fr__meta_item *it)
{
    if (*k >= n)
        return 0;
    uint64_t h = in[*k].value;
    uint8_t kind = (uint8_t)(h >> 16);
    size_t len = h & 0xffff;
    struct fr_meta_type t;

    if ((h >> 24 & 0xff) || (kind != FR_META_U64 && kind != FR_META_BYTES) ||
        len > FR_META_BYTES_MAX || (kind == FR_META_U64 && len))
        return 0;
    if (*k + entries_of(kind, len) > n)
        return 0;
    memset(it, 0, sizeof *it);
    it->type = (uint32_t)(h >> 32);
    it->kind = kind;
    it->travels = 1;
    it->id = in[*k].key;
    it->v.len = len;
    /* A type this FMP knows of another kind: the peer is not one of ours. */
    if (fr__metatype_get(it->type, &t) == 0 && (unsigned)t.kind != kind)
        return 0;
    if (kind == FR_META_U64)
        it->v.u64 = in[*k + 1].key;
    else
        for (size_t off = 0; off < len; off += 16)
            memcpy(it->v.bytes + off, &in[*k + 1 + off / 16], len - off < 16 ? len - off : 16);
    *k += entries_of(kind, len);
    return 1;
}

/* *dst = *src, but of the items only those in use: a whole set is some
 * 3 KB, copied on every message that carries metadata (each call of a
 * sampled or crowd FMP carries its pin), which under memcheck is that many
 * instrumented bytes a call. */
static void set_copy(struct fr__meta_set *dst, const struct fr__meta_set *src)
{
    memcpy(dst, src, offsetof(struct fr__meta_set, e) + src->n * sizeof src->e[0]);
}

/* The thread's set from @in: merged into it (a reply), or in place of
 * its travelling items (a request).  Pins: a request's replace the
 * thread's, a reply's are not taken (meta.h). */
static void take(const struct fr_meta_ent *in, unsigned n, int merge)
{
    struct fr__meta_set next;
    struct fr__meta_item it;
    unsigned k = 0;

    next.n = next.nlocal = next.wire = next.npins = 0;
    memset(next.pins, 0, sizeof next.pins);
    if (merge) {
        memcpy(next.pins, tl_meta.pins, sizeof next.pins);
        next.npins = tl_meta.npins;
    }
    for (unsigned i = 0; i < tl_meta.n; i++) {
        if (!tl_meta.e[i].travels) {
            next.e[next.n++] = tl_meta.e[i];
            next.nlocal++;
        }
    }
    while (parse(in, n, &k, &it)) {
        if (it.type == FR__META_PIN_TYPE) {
            if (!merge)
                take_pins(&next, &it);
            continue;
        }
        if (find(&next, it.type, it.id) >= 0)
            continue;         /* twice in one message: the first holds */
        int mine = merge ? find(&tl_meta, it.type, it.id) : -1;
        struct fr__meta_item *o = &next.e[next.n++];
        *o = it;
        if (mine >= 0 && tl_meta.e[mine].travels && !equal(&tl_meta.e[mine], &it))
            fr__metatype_merge(it.type, it.id, &tl_meta.e[mine].v, &it.v, &o->v);
        if (o->kind == FR_META_U64)
            o->v.len = 0;
        next.wire += entries_of(o->kind, o->v.len);
    }
    /* A merge (concat) may have grown the set past a header: the items
     * that do not fit are dropped from the end, each of its own accord. */
    while (next.wire > FR_META_WIRE) {
        unsigned last = next.n - 1;
        while (!next.e[last].travels)
            last--;
        drop(&next, last);
    }
    set_copy(&tl_meta, &next);
}

void fr__meta_adopt(const struct fr_meta_ent *in, unsigned n)
{
    take(in, n, 1);
}

unsigned fr__meta_inherited(const struct fr_meta_ent *in, unsigned n)
{
    struct fr__meta_item it;
    unsigned k = 0, got = 0;

    while (parse(in, n, &k, &it)) {
        struct fr_meta_type t;
        if (it.type == FR__META_PIN_TYPE || find(&tl_meta, it.type, it.id) >= 0 ||
            tl_meta.n == FR__META_ITEMS_MAX)
            continue;
        /* a type the program has not registered yet travels until it does
         * (fr__meta_retype, when it is registered) */
        it.travels = fr__metatype_get(it.type, &t) != 0 || (t.mask & FR_META_CALLS);
        if (it.travels && tl_meta.wire + entries_of(it.kind, it.v.len) > FR_META_WIRE)
            continue;
        tl_meta.e[tl_meta.n++] = it;
        if (it.travels)
            tl_meta.wire += entries_of(it.kind, it.v.len);
        else
            tl_meta.nlocal++;
        got++;
    }
    return got;
}

void fr__meta_retype(uint32_t type, int travels)
{
    for (unsigned i = 0; i < tl_meta.n; i++) {
        struct fr__meta_item *it = &tl_meta.e[i];
        if (it->type != type || it->travels == !!travels)
            continue;
        unsigned w = entries_of(it->kind, it->v.len);
        if (travels && tl_meta.wire + w > FR_META_WIRE) {
            drop(&tl_meta, i--);   /* no room in a header: as insert would refuse it */
            continue;
        }
        it->travels = (uint8_t)!!travels;
        tl_meta.wire += travels ? w : -w;
        tl_meta.nlocal += travels ? -1u : 1u;
    }
}

int fr__meta_any(void)
{
    return tl_meta.n != 0 || tl_meta.npins != 0;
}

void fr__meta_save(struct fr__meta_set *out)
{
    set_copy(out, &tl_meta);
}

void fr__meta_restore(const struct fr__meta_set *in)
{
    if (in) {
        set_copy(&tl_meta, in);
    } else {
        tl_meta.n = tl_meta.nlocal = tl_meta.wire = tl_meta.npins = 0;
        memset(tl_meta.pins, 0, sizeof tl_meta.pins);
    }
}

/* This thread runs a callback: what it does makes no more. */
static __thread int firing;

void fr__meta_fire(unsigned point, unsigned fn)
{
    struct { uint32_t type; uint64_t id; } keys[FR__META_ITEMS_MAX];
    struct fr__meta_cb cb[FR_META_CALLBACKS_MAX];
    const struct fr_app *app = fr__rt.app;
    const char *mod = NULL, *fname = NULL;
    unsigned nk = 0;

    if (firing || (fr__meta_quiet && (point & (FR_META_CALL_OUT | FR_META_REPLY_IN))))
        return;
    if (app && app->functions && fn < app->nfunctions) {
        fname = app->functions[fn].name;
        mod = app->modules[app->functions[fn].module].name;
    }
    for (unsigned i = 0; i < tl_meta.n; i++)
        if (tl_meta.e[i].travels) {
            keys[nk].type = tl_meta.e[i].type;
            keys[nk++].id = tl_meta.e[i].id;
        }
    firing = 1;
    for (unsigned k = 0; k < nk; k++) {
        unsigned ncb = fr__metatype_callbacks(keys[k].type, point, cb);
        for (unsigned c = 0; c < ncb; c++) {
            int i = find(&tl_meta, keys[k].type, keys[k].id);
            if (i < 0)
                break;        /* a callback removed it */
            struct fr__meta_item was = tl_meta.e[i];
            struct fr_meta_value v = was.v;
            struct fr_meta_transfer t = { point, keys[k].type, keys[k].id, &v, mod, fname };
            cb[c].fn(&t, cb[c].ctx);
            if (was.kind == FR_META_U64 ? v.u64 == was.v.u64
                                        : v.len == was.v.len && !memcmp(v.bytes, was.v.bytes, v.len))
                continue;
            /* a rewrite that does not fit is dropped: the item stays */
            if (was.kind == FR_META_U64)
                (void)fr_meta_insert(keys[k].type, keys[k].id, &v.u64, sizeof v.u64);
            else if (v.len <= FR_META_BYTES_MAX)
                (void)fr_meta_insert(keys[k].type, keys[k].id, v.bytes, v.len);
        }
    }
    firing = 0;
}

static __attribute__((noinline)) unsigned meta_send(struct fr_meta_ent *out, unsigned point,
                                                   unsigned fn)
{
    if (FR__UNLIKELY(atomic_load_explicit(&fr__meta_ncb, memory_order_relaxed) != 0) &&
        tl_meta.n)
        fr__meta_fire(point, fn);
    return fr__meta_export(out);
}

/* Every message goes through here: the common one carries nothing, and
 * its test is inlined where it is sent (with LTO). */
unsigned fr__meta_send(struct fr_meta_ent *out, unsigned point, unsigned fn)
{
    if (FR_LIKELY(tl_meta.n == 0 && tl_meta.npins == 0))
        return 0;
    return meta_send(out, point, fn);
}

void fr__meta_recv(const struct fr_meta_ent *in, unsigned n, unsigned point, unsigned fn)
{
    take(in, n, point != FR_META_CALL_IN);
    if (atomic_load_explicit(&fr__meta_ncb, memory_order_relaxed) != 0 && tl_meta.n)
        fr__meta_fire(point, fn);
}
