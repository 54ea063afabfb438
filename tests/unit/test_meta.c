/*
 * test_meta.c - Causeway's five-tuple (meta.c, metatype.c): what type
 * registration refuses, insert / lookup / remove / types, the size limit
 * of a bytes value and of a header, the encoding read back, each built-in
 * merge and a user one applied on adoption, items that do not travel left
 * alone, a peer's malformed entries cut off, and the key/value calls;
 * transfer-point callbacks (what registration refuses, which points fire,
 * a rewrite carried, one that does not fit dropped) and a request's set
 * taking the place of the callee's where a reply's merges; FR_META_EXEC
 * items through fork and exec into this very binary (and no other item),
 * and a malformed FRACTURE_META_ITEMS ignored with a warning; the runtime's
 * pins beside a full set (taken from a request, not from a reply).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <fracture/meta.h>

#include "meta.h"
#include "metaexec.h"

static uint32_t t_min, t_max, t_sum, t_cat, t_rep, t_user, t_local;

static void user_merge(uint32_t type, uint64_t id, const struct fr_meta_value *mine,
                       const struct fr_meta_value *in, struct fr_meta_value *out)
{
    (void)type;
    out->u64 = mine->u64 * 100 + in->u64 + id;
}

static uint32_t reg(const char *name, enum fr_meta_kind k, enum fr_meta_merge m, unsigned mask)
{
    struct fr_meta_type t = { name, k, m, m == FR_MERGE_USER ? user_merge : NULL, mask };
    uint32_t id = 0;

    assert_int_equal(fr_meta_type_register(&t, &id), 0);
    return id;
}

static int setup(void **state)
{
    (void)state;
    t_min = reg("t.min", FR_META_U64, FR_MERGE_MIN, FR_META_CALLS);
    t_max = reg("t.max", FR_META_U64, FR_MERGE_MAX, FR_META_CALLS);
    t_sum = reg("t.sum", FR_META_U64, FR_MERGE_SUM, FR_META_CALLS);
    t_cat = reg("t.cat", FR_META_BYTES, FR_MERGE_CONCAT, FR_META_CALLS);
    t_rep = reg("t.rep", FR_META_BYTES, FR_MERGE_REPLACE, FR_META_CALLS);
    t_user = reg("t.user", FR_META_U64, FR_MERGE_USER, FR_META_CALLS);
    t_local = reg("t.local", FR_META_U64, FR_MERGE_SUM, 0);
    return 0;
}

/* Empty the thread's set (adopting nothing drops what travels). */
static void clear(void)
{
    uint32_t ty[64];
    fr__meta_adopt(NULL, 0);
    for (unsigned g = 0; g < FR__META_PINS_MAX; g++)
        fr__meta_pin_set(g, 0);
    (void)fr_meta_remove(t_local, 1);
    (void)fr_meta_remove(t_local, 2);
    assert_int_equal(fr_meta_types(ty, 64), 0);
}

static void test_register_refuses(void **state)
{
    (void)state;
    struct fr_meta_type t = { "t.bad", FR_META_U64, FR_MERGE_CONCAT, NULL, FR_META_CALLS };
    uint32_t id;

    assert_int_equal(fr_meta_type_register(&t, &id), -EINVAL);      /* concat of u64 */
    t.kind = FR_META_BYTES;
    t.merge = FR_MERGE_SUM;
    assert_int_equal(fr_meta_type_register(&t, &id), -EINVAL);      /* sum of bytes */
    t.merge = FR_MERGE_USER;
    assert_int_equal(fr_meta_type_register(&t, &id), -EINVAL);      /* no routine */
    t.merge = FR_MERGE_REPLACE;
    t.user = user_merge;
    assert_int_equal(fr_meta_type_register(&t, &id), -EINVAL);      /* a routine not asked for */
    t.user = NULL;
    t.mask = 0x10;
    assert_int_equal(fr_meta_type_register(&t, &id), -EINVAL);
    t.name = "";
    t.mask = FR_META_CALLS;
    assert_int_equal(fr_meta_type_register(&t, &id), -EINVAL);
    assert_int_equal(fr_meta_type_register(NULL, &id), -EINVAL);
    t.kind = 7;
    t.name = "t.kind";
    assert_int_equal(fr_meta_type_register(&t, &id), -EINVAL);

    /* Again with the same description: the same id; another: -EEXIST. */
    struct fr_meta_type max = { "t.max", FR_META_U64, FR_MERGE_MAX, NULL, FR_META_CALLS };
    assert_int_equal(fr_meta_type_register(&max, &id), 0);
    assert_int_equal(id, t_max);
    max.merge = FR_MERGE_MIN;
    assert_int_equal(fr_meta_type_register(&max, &id), -EEXIST);
    /* Ids are the names' own, not the order of registration. */
    assert_int_not_equal(t_min, t_max);
}

static void test_register_full(void **state)
{
    (void)state;
    char name[32];
    int rc = 0;
    unsigned n = 0;

    for (; n < 64 && rc == 0; n++) {
        struct fr_meta_type t = { name, FR_META_U64, FR_MERGE_REPLACE, NULL, FR_META_CALLS };
        snprintf(name, sizeof name, "t.fill.%u", n);
        rc = fr_meta_type_register(&t, NULL);
    }
    assert_int_equal(rc, -ENOSPC);
    assert_true(n <= FR_META_TYPES_MAX + 1);
}

static void test_insert_lookup_remove(void **state)
{
    (void)state;
    struct fr_meta_value v;
    uint64_t u;
    uint32_t ty[8];

    clear();
    assert_int_equal(fr_meta_insert_u64(t_max, 1, 5), 0);
    assert_int_equal(fr_meta_insert_u64(t_max, 2, 6), 0);
    assert_int_equal(fr_meta_insert(t_cat, 1, "abc", 3), 0);
    assert_int_equal(fr_meta_lookup_u64(t_max, 1, &u), 0);
    assert_int_equal(u, 5);
    assert_int_equal(fr_meta_lookup_u64(t_max, 3, &u), -ENOENT);
    assert_int_equal(fr_meta_lookup_u64(t_cat, 1, &u), -ENOENT);   /* not a u64 */
    assert_int_equal(fr_meta_lookup(t_cat, 1, &v), 0);
    assert_int_equal(v.len, 3);
    assert_memory_equal(v.bytes, "abc", 3);
    assert_int_equal(fr_meta_insert_u64(t_max, 1, 9), 0);          /* replaces */
    assert_int_equal(fr_meta_lookup_u64(t_max, 1, &u), 0);
    assert_int_equal(u, 9);
    assert_int_equal(fr_meta_types(ty, 8), 2);
    assert_true((ty[0] == t_max && ty[1] == t_cat) || (ty[0] == t_cat && ty[1] == t_max));
    assert_int_equal(fr_meta_types(ty, 1), 2);                       /* how many, whatever fits */
    assert_int_equal(fr_meta_remove(t_max, 1), 0);
    assert_int_equal(fr_meta_remove(t_max, 1), -ENOENT);
    assert_int_equal(fr_meta_lookup_u64(t_max, 2, &u), 0);
    assert_int_equal(u, 6);

    assert_int_equal(fr_meta_insert_u64(0x12345, 1, 1), -ENOENT);   /* no such type */
    assert_int_equal(fr_meta_insert(t_max, 1, &u, 4), -EINVAL);
    clear();
}

static void test_limits(void **state)
{
    (void)state;
    unsigned char big[FR_META_BYTES_MAX + 1];
    struct fr_meta_ent e[FR_META_MAX];

    memset(big, 'x', sizeof big);
    clear();
    assert_int_equal(fr_meta_insert(t_rep, 1, big, sizeof big), -EMSGSIZE);
    /* 64 bytes take 5 entries; three of them (15) and a u64 (2) do not fit 16. */
    assert_int_equal(fr_meta_insert(t_rep, 1, big, FR_META_BYTES_MAX), 0);
    assert_int_equal(fr_meta_insert(t_rep, 2, big, FR_META_BYTES_MAX), 0);
    assert_int_equal(fr_meta_insert(t_rep, 3, big, FR_META_BYTES_MAX), 0);
    assert_int_equal(fr_meta_insert_u64(t_max, 1, 1), -ENOSPC);
    assert_int_equal(fr_meta_insert(t_rep, 4, NULL, 0), 0);           /* the 16th */
    assert_int_equal(fr__meta_export(e), FR_META_WIRE);
    /* Replacing an item by a shorter one makes room. */
    assert_int_equal(fr_meta_insert(t_rep, 3, "y", 1), 0);
    assert_int_equal(fr_meta_insert_u64(t_max, 1, 1), 0);
    clear();
    /* The key/value calls: 8 keys fill a header. */
    for (uint64_t k = 0; k < 8; k++)
        assert_int_equal(fr_meta_set(k, k), 0);
    assert_int_equal(fr_meta_set(8, 8), -ENOSPC);
    assert_int_equal(fr_meta_set(3, 33), 0);
    clear();
}

/* Export the set, set @mine up, adopt what was exported. */
static void roundtrip_case(uint32_t type, uint64_t mine, uint64_t in, uint64_t want)
{
    struct fr_meta_ent e[FR_META_MAX];
    unsigned n;
    uint64_t u;

    clear();
    assert_int_equal(fr_meta_insert_u64(type, 7, in), 0);
    n = fr__meta_export(e);
    assert_int_equal(n, 2);
    assert_int_equal(fr_meta_insert_u64(type, 7, mine), 0);
    fr__meta_adopt(e, n);
    assert_int_equal(fr_meta_lookup_u64(type, 7, &u), 0);
    assert_int_equal(u, want);
}

static void test_merges(void **state)
{
    (void)state;
    roundtrip_case(t_min, 10, 3, 3);
    roundtrip_case(t_min, 3, 10, 3);
    roundtrip_case(t_max, 10, 3, 10);
    roundtrip_case(t_sum, 10, 3, 13);
    roundtrip_case(t_sum, 5, 5, 5);           /* same value: no merge */
    roundtrip_case(t_user, 2, 3, 2 * 100 + 3 + 7);

    struct fr_meta_ent e[FR_META_MAX];
    struct fr_meta_value v;
    unsigned char big[40];
    unsigned n;

    memset(big, 'b', sizeof big);
    clear();
    assert_int_equal(fr_meta_insert(t_cat, 1, "world-and-more-than-16", 22), 0);
    assert_int_equal(fr_meta_insert(t_rep, 1, "new", 3), 0);
    n = fr__meta_export(e);
    assert_int_equal(n, 1 + 2 + 1 + 1);
    assert_int_equal(fr_meta_insert(t_cat, 1, "hello ", 6), 0);
    assert_int_equal(fr_meta_insert(t_rep, 1, "old", 3), 0);
    fr__meta_adopt(e, n);
    assert_int_equal(fr_meta_lookup(t_cat, 1, &v), 0);
    assert_int_equal(v.len, 28);
    assert_memory_equal(v.bytes, "hello world-and-more-than-16", 28);
    assert_int_equal(fr_meta_lookup(t_rep, 1, &v), 0);
    assert_int_equal(v.len, 3);
    assert_memory_equal(v.bytes, "new", 3);

    /* Concat past the limit: cut at FR_META_BYTES_MAX. */
    clear();
    assert_int_equal(fr_meta_insert(t_cat, 1, big, sizeof big), 0);
    n = fr__meta_export(e);
    big[0] = 'a';
    assert_int_equal(fr_meta_insert(t_cat, 1, big, sizeof big), 0);
    fr__meta_adopt(e, n);
    assert_int_equal(fr_meta_lookup(t_cat, 1, &v), 0);
    assert_int_equal(v.len, FR_META_BYTES_MAX);
    assert_int_equal(v.bytes[0], 'a');
    assert_int_equal(v.bytes[40], 'b');
    clear();
}

static void test_adopt_drops_and_keeps(void **state)
{
    (void)state;
    struct fr_meta_ent e[FR_META_MAX];
    uint64_t u;
    unsigned n;

    clear();
    assert_int_equal(fr_meta_insert_u64(t_max, 1, 1), 0);
    n = fr__meta_export(e);
    assert_int_equal(fr_meta_insert_u64(t_max, 2, 2), 0);     /* travels, not in the message */
    assert_int_equal(fr_meta_insert_u64(t_local, 1, 42), 0);  /* stays */
    assert_int_equal(fr__meta_count(), 2);
    fr__meta_adopt(e, n);
    assert_int_equal(fr_meta_lookup_u64(t_max, 2, &u), -ENOENT);
    assert_int_equal(fr_meta_lookup_u64(t_max, 1, &u), 0);
    assert_int_equal(fr_meta_lookup_u64(t_local, 1, &u), 0);
    assert_int_equal(u, 42);
    /* Only local items: nothing for a message to carry. */
    fr__meta_adopt(NULL, 0);
    assert_int_equal(fr__meta_count(), 0);
    assert_int_equal(fr__meta_export(e), 0);
    clear();
}

static void test_malformed(void **state)
{
    (void)state;
    struct fr_meta_ent e[FR_META_MAX];
    struct fr_meta_value v;
    uint64_t u;
    unsigned n;

    clear();
    assert_int_equal(fr_meta_insert_u64(t_max, 1, 1), 0);
    assert_int_equal(fr_meta_insert(t_rep, 1, "abc", 3), 0);
    n = fr__meta_export(e);
    assert_int_equal(n, 4);
    /* Cut short: the bytes item lacks its value entry and is not taken. */
    clear();
    fr__meta_adopt(e, 3);
    assert_int_equal(fr_meta_lookup_u64(t_max, 1, &u), 0);
    assert_int_equal(fr_meta_lookup(t_rep, 1, &v), -ENOENT);
    /* A length past the limit, a kind unknown, a known type of another
     * kind: the set stops there. */
    uint64_t heads[] = { (uint64_t)t_rep << 32 | 2u << 16 | 65, (uint64_t)t_rep << 32 | 9u << 16,
                         (uint64_t)t_rep << 32 | 1u << 16 };
    for (unsigned i = 0; i < 3; i++) {
        struct fr_meta_ent bad[FR_META_MAX];
        memcpy(bad, e, sizeof bad);
        bad[2].value = heads[i];
        clear();
        fr__meta_adopt(bad, n);
        assert_int_equal(fr_meta_lookup_u64(t_max, 1, &u), 0);
        assert_int_equal(fr_meta_lookup(t_rep, 1, &v), -ENOENT);
    }
    /* A type this process never registered travels on as it came. */
    struct fr_meta_ent odd[2] = { { 9, (uint64_t)0xabcdu << 32 | 1u << 16 }, { 77, 0 } };
    clear();
    fr__meta_adopt(odd, 2);
    assert_int_equal(fr_meta_lookup_u64(0xabcd, 9, &u), 0);
    assert_int_equal(u, 77);
    assert_int_equal(fr__meta_export(e), 2);
    clear();
}

static uint64_t keep_mine(uint64_t key, uint64_t mine, uint64_t incoming)
{
    (void)key;
    (void)incoming;
    return mine;
}

static void test_key_calls(void **state)
{
    (void)state;
    struct fr_meta_ent e[FR_META_MAX];
    uint64_t u;
    unsigned n;

    clear();
    assert_int_equal(fr_meta_register_merge(5, keep_mine), 0);
    assert_int_equal(fr_meta_set(5, 1), 0);
    assert_int_equal(fr_meta_set(6, 1), 0);
    n = fr__meta_export(e);
    assert_int_equal(fr_meta_set(5, 2), 0);
    assert_int_equal(fr_meta_set(6, 2), 0);
    fr__meta_adopt(e, n);
    assert_int_equal(fr_meta_get(5, &u), 0);
    assert_int_equal(u, 2);                   /* its merge keeps mine */
    assert_int_equal(fr_meta_get(6, &u), 0);
    assert_int_equal(u, 1);                   /* none: the incoming value */
    assert_int_equal(fr_meta_del(6), 0);
    assert_int_equal(fr_meta_del(6), -ENOENT);
    assert_int_equal(fr_meta_get(6, &u), -ENOENT);
    clear();
}

static unsigned fired[16];
static unsigned last_point;
static const char *last_fn;

static void count_cb(const struct fr_meta_transfer *t, void *ctx)
{
    fired[t->point]++;
    last_point = t->point;
    last_fn = t->function;
    if (ctx)                  /* the rewriting one */
        t->value->u64 += (uint64_t)(uintptr_t)ctx;
}

static void grow_cb(const struct fr_meta_transfer *t, void *ctx)
{
    (void)ctx;
    t->value->len = FR_META_BYTES_MAX + 1;   /* does not fit: dropped */
}

static void test_transfer_callbacks(void **state)
{
    (void)state;
    struct fr_meta_ent e[FR_META_MAX];
    uint64_t u;
    unsigned n;

    clear();
    memset(fired, 0, sizeof fired);
    assert_int_equal(fr_meta_on_transfer(t_max, 0, count_cb, NULL), -EINVAL);
    assert_int_equal(fr_meta_on_transfer(t_max, 0x10, count_cb, NULL), -EINVAL);
    assert_int_equal(fr_meta_on_transfer(t_max, FR_META_CALL_IN, NULL, NULL), -EINVAL);
    assert_int_equal(fr_meta_on_transfer(0x12345, FR_META_CALL_IN, count_cb, NULL), -ENOENT);
    assert_int_equal(fr_meta_on_transfer(t_local, FR_META_CALL_IN, count_cb, NULL), -EINVAL);
    /* t_min: one counting at every point but CALL_IN, one adding 10 at CALL_IN */
    assert_int_equal(fr_meta_on_transfer(t_min, FR_META_CALL_OUT | FR_META_REPLY_OUT |
                                                    FR_META_REPLY_IN, count_cb, NULL), 0);
    assert_int_equal(fr_meta_on_transfer(t_min, FR_META_CALL_IN, count_cb, (void *)10), 0);
    assert_int_equal(fr_meta_on_transfer(t_min, FR_META_CALL_IN, count_cb, NULL), 0);
    assert_int_equal(fr_meta_on_transfer(t_min, FR_META_CALL_IN, count_cb, NULL), 0);
    assert_int_equal(fr_meta_on_transfer(t_min, FR_META_CALL_IN, count_cb, NULL), -ENOSPC);
    assert_int_equal(fr_meta_on_transfer(t_cat, FR_META_CALL_OUT, grow_cb, NULL), 0);

    /* nothing held: nothing fires */
    assert_int_equal(fr__meta_send(e, FR_META_CALL_OUT, 0), 0);
    assert_int_equal(fired[FR_META_CALL_OUT], 0);

    assert_int_equal(fr_meta_insert_u64(t_min, 1, 5), 0);
    assert_int_equal(fr_meta_insert(t_cat, 1, "ab", 2), 0);
    n = fr__meta_send(e, FR_META_CALL_OUT, 0);
    assert_int_equal(fired[FR_META_CALL_OUT], 1);
    assert_int_equal(last_point, FR_META_CALL_OUT);
    assert_null(last_fn);     /* no module table: no names */
    struct fr_meta_value v;
    assert_int_equal(fr_meta_lookup(t_cat, 1, &v), 0);
    assert_int_equal(v.len, 2);   /* the rewrite that does not fit left it */

    /* a request: the callee's own travelling items give way, CALL_IN runs */
    assert_int_equal(fr_meta_insert_u64(t_min, 1, 1), 0);
    assert_int_equal(fr_meta_insert_u64(t_sum, 3, 9), 0);
    assert_int_equal(fr_meta_insert_u64(t_local, 1, 4), 0);
    fr__meta_recv(e, n, FR_META_CALL_IN, 0);
    assert_int_equal(fired[FR_META_CALL_IN], 3);
    assert_int_equal(fr_meta_lookup_u64(t_min, 1, &u), 0);
    assert_int_equal(u, 15);  /* the request's 5, not min(1, 5); +10 by its callback */
    assert_int_equal(fr_meta_lookup_u64(t_sum, 3, &u), -ENOENT);
    assert_int_equal(fr_meta_lookup_u64(t_local, 1, &u), 0);

    /* a reply merges: min(15, 2) */
    n = fr__meta_send(e, FR_META_REPLY_OUT, 0);
    assert_int_equal(fired[FR_META_REPLY_OUT], 1);
    assert_int_equal(fr_meta_insert_u64(t_min, 1, 2), 0);
    fr__meta_recv(e, n, FR_META_REPLY_IN, 0);
    assert_int_equal(fired[FR_META_REPLY_IN], 1);
    assert_int_equal(fr_meta_lookup_u64(t_min, 1, &u), 0);
    assert_int_equal(u, 2);
    clear();
}

/* The binary run again by test_fork_exec: what it inherited, checked
 * before any type is registered here (the ids are the names' hashes). */
static int exec_child(const char *how)
{
    struct fr_meta_type tx = { "t.exec", FR_META_U64, FR_MERGE_REPLACE, NULL,
                               FR_META_CALLS | FR_META_EXEC };
    struct fr_meta_type tb = { "t.exec.bytes", FR_META_BYTES, FR_MERGE_REPLACE, NULL,
                               FR_META_EXEC };
    struct fr_meta_value v;
    uint32_t ex = 0, exb = 0;
    uint64_t n = 0;
    const char *why = NULL;

    if (getenv("FRACTURE_META_ITEMS"))
        why = "FRACTURE_META_ITEMS is still in the environment";
    else if (strcmp(how, "bad") == 0)
        why = fr__meta_exec_inherited() != 0 || fr_meta_types(NULL, 0) != 0
                  ? "a malformed FRACTURE_META_ITEMS gave items" : NULL;
    else if (fr__meta_exec_inherited() != 2 || fr_meta_types(NULL, 0) != 2)
        why = "not exactly the two FR_META_EXEC items";
    else if (fr_meta_type_register(&tx, &ex) != 0 || fr_meta_type_register(&tb, &exb) != 0)
        why = "the types do not register";
    else if (fr_meta_lookup_u64(ex, 1, &n) != 0 || n != 41)
        why = "the u64 item is not 41";
    else if (fr_meta_lookup(exb, 2, &v) != 0 || v.len != 5 || memcmp(v.bytes, "a\0b\xffz", 5))
        why = "the bytes item changed";
    else if (fr__meta_count() == 0)
        why = "the u64 item does not travel with calls";
    if (why)
        fprintf(stderr, "exec child (%s): %s\n", how, why);
    return why ? 1 : 0;
}

static int self_argc;
static char **self_argv;

static int run_child(const char *how, const char *env)
{
    int status = -1;
    pid_t pid = fork();

    if (pid == 0) {
        uint64_t n;
        /* the fork itself: the FR_META_EXEC items only */
        if (fr_meta_lookup_u64(t_local, 9, &n) == 0 || fr_meta_lookup_u64(t_sum, 3, &n) == 0)
            _exit(3);
        if (fr_meta_types(NULL, 0) != 2)
            _exit(4);
        if (env)
            setenv("FRACTURE_META_ITEMS", env, 1);
        char *argv[] = { self_argv[0], "--exec-child", (char *)how, NULL };
        execv("/proc/self/exe", argv);
        _exit(5);
    }
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_fork_exec(void **state)
{
    (void)state;
    uint32_t ex = reg("t.exec", FR_META_U64, FR_MERGE_REPLACE, FR_META_CALLS | FR_META_EXEC);
    uint32_t exb = reg("t.exec.bytes", FR_META_BYTES, FR_MERGE_REPLACE, FR_META_EXEC);

    assert_int_equal(fr_meta_insert_u64(ex, 1, 41), 0);
    assert_int_equal(fr_meta_insert(exb, 2, "a\0b\xffz", 5), 0);
    assert_int_equal(fr_meta_insert_u64(t_local, 9, 1), 0);   /* stays: no FR_META_EXEC */
    assert_int_equal(fr_meta_insert_u64(t_sum, 3, 1), 0);     /* travels with calls only */
    assert_int_equal(run_child("good", NULL), 0);
    assert_int_equal(run_child("bad", "0123zz"), 0);
    /* the parent keeps all four */
    assert_int_equal(fr_meta_types(NULL, 0), 4);
    fr_meta_remove(ex, 1);
    fr_meta_remove(exb, 2);
    fr_meta_remove(t_local, 9);
    fr_meta_remove(t_sum, 3);
    (void)self_argc;
}

/* The runtime's pins (meta.h): room of their own beside a full set, a
 * request's taken, a reply's not, a peer's malformed ones left out, none
 * after fork. */
static void test_pins(void **state)
{
    (void)state;
    struct fr_meta_ent e[FR_META_MAX];
    unsigned n;
    uint64_t u;

    clear();
    for (uint64_t k = 0; k < 8; k++)
        assert_int_equal(fr_meta_set(k, k), 0);       /* 16 entries: full */
    assert_int_equal(fr__meta_count(), 8);
    for (unsigned g = 0; g < FR__META_PINS_MAX; g++)
        fr__meta_pin_set(g, g + 1);
    assert_int_equal(fr__meta_count(), 9);
    n = fr__meta_export(e);
    assert_int_equal(n, FR_META_MAX);                 /* 16 + 4 */
    /* a request: its pins replace the thread's */
    for (unsigned g = 0; g < FR__META_PINS_MAX; g++)
        fr__meta_pin_set(g, 0);
    fr__meta_pin_set(3, 200);
    fr__meta_recv(e, n, FR_META_CALL_IN, 0);
    for (unsigned g = 0; g < FR__META_PINS_MAX; g++)
        assert_int_equal(fr__meta_pin(g), g + 1);
    for (uint64_t k = 0; k < 8; k++) {
        assert_int_equal(fr_meta_get(k, &u), 0);
        assert_int_equal(u, k);
    }
    /* a reply: the thread's own stay, whatever it brings */
    fr__meta_pin_set(5, 0);
    fr__meta_pin_set(6, 9);
    fr__meta_adopt(e, n);
    assert_int_equal(fr__meta_pin(5), 0);
    assert_int_equal(fr__meta_pin(6), 9);
    assert_int_equal(fr__meta_pin(7), 8);
    /* and a reply without any leaves them too */
    fr__meta_adopt(NULL, 0);
    assert_int_equal(fr__meta_pin(6), 9);
    assert_int_equal(fr__meta_count(), 1);
    /* a request without pins takes them all away */
    fr__meta_recv(NULL, 0, FR_META_CALL_IN, 0);
    assert_int_equal(fr__meta_count(), 0);
    assert_int_equal(fr__meta_any(), 0);
    /* a peer's: a group past the plan's, a zero value, a lone last byte */
    struct fr_meta_ent bad[2] = { { 0, (uint64_t)2 << 32 | (uint64_t)FR_META_BYTES << 16 | 7 } };
    unsigned char b[16] = { FR__META_PINS_MAX, 4, 2, 0, 1, 3, 9 };
    memcpy(&bad[1], b, sizeof b);
    fr__meta_recv(bad, 2, FR_META_CALL_IN, 0);
    assert_int_equal(fr__meta_pin(2), 0);
    assert_int_equal(fr__meta_pin(1), 3);
    assert_int_equal(fr__meta_pin(9), 0);
    assert_int_equal(fr__meta_count(), 1);
    /* the pins are the runtime's: no type of the program's, not inherited */
    assert_int_equal(fr_meta_types(NULL, 0), 0);
    assert_int_equal(fr__meta_fork_child(e), 0);
    assert_int_equal(fr__meta_pin(1), 0);
    clear();
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--exec-child") == 0)
        return exec_child(argv[2]);
    self_argc = argc;
    self_argv = argv;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_register_refuses),
        cmocka_unit_test(test_insert_lookup_remove),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_merges),
        cmocka_unit_test(test_adopt_drops_and_keeps),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_key_calls),
        cmocka_unit_test(test_transfer_callbacks),
        cmocka_unit_test(test_fork_exec),
        cmocka_unit_test(test_pins),
        cmocka_unit_test(test_register_full),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
