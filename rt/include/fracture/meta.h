/*
 * fracture/meta.h - metadata that travels with every call (Causeway).
 *
 * An item of metadata is the five-tuple of Causeway: an identifier (a
 * u64 the actor picks), a type (registered process-wide: a name, the kind
 * of its values, a propagation mask and a merge routine), and a value (a
 * u64, or up to FR_META_BYTES_MAX bytes).  An actor (a module, an agent)
 * keeps items on its thread with fr_meta_insert / lookup / remove; the
 * thread's items whose type has FR_META_CALLS ride with every module call
 * and its reply.  The callee starts with the caller's set (its own
 * travelling items give way); the reply's set is merged into the
 * caller's: an item the caller holds with a different value takes the
 * value the type's merge routine makes of (its own, the reply's); every
 * other item takes the reply's value, and the items with FR_META_CALLS
 * the reply lacks are dropped.  Items of a type without FR_META_CALLS
 * stay on their thread.  Once such a type is registered in an FMP, calls
 * between its modules propagate by the same rules (they take the local
 * marshalling path), so every deployment gives the same values; a
 * replicated call merges the set of the reply it returns (the voted one).
 *
 * Types are identified by their name (a hash of it), so every FMP must
 * register the same types: do it from code every FMP runs before its
 * first call (a constructor in the program, or the fr_meta_init of a
 * `meta:` shared object the config loads into every FMP).  Registering a
 * name again with the same description is a no-op that gives the same id.
 *
 *   static uint32_t prio;
 *   __attribute__((constructor)) static void types(void)
 *   {
 *       static const struct fr_meta_type t = {
 *           .name = "app.priority", .kind = FR_META_U64,
 *           .merge = FR_MERGE_MAX, .mask = FR_META_CALLS };
 *       fr_meta_type_register(&t, &prio);
 *   }
 *   ...
 *   fr_meta_insert_u64(prio, 0, 3);   // every call this thread makes carries it
 *
 * Room: a message header holds FR_META_WIRE (16) entries of 16 bytes; an
 * item takes one for itself and one per 16 bytes of value (a u64: 2, 64
 * bytes: 5).  fr_meta_insert refuses (-ENOSPC) an item that would make the
 * thread's travelling set overflow it.  The runtime's own entries (which
 * replica or sample instance a call stays with) travel in room of their
 * own beside these 16: a program always has all of them.
 *
 * The older key/value calls (fr_meta_set / get / del / register_merge)
 * still work: their keys are items of the built-in u64 type "fr.key",
 * whose merge routine is the one registered for the key (the incoming
 * value when none is).
 */
#ifndef FRACTURE_META_H
#define FRACTURE_META_H

#include <stddef.h>
#include <stdint.h>

#include <fracture/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FR_META_BYTES_MAX 64  /* the longest bytes value; longer: -EMSGSIZE */
#define FR_META_WIRE 16       /* header entries a call's metadata fits in */
#define FR_META_TYPES_MAX 32  /* types a process can register */

/* Propagation mask. */
#define FR_META_CALLS 0x1u    /* carried by module calls (requests and replies) */
#define FR_META_EXEC 0x2u     /* inherited by a child process: after fork() the child's
                               * thread keeps these items alone; an exec that keeps the
                               * environment (execv, execvp) passes them on to a program
                               * that runs Fracture (FRACTURE_META_ITEMS); posix_spawn, system()
                               * and vfork carry nothing */

enum fr_meta_kind {
    FR_META_U64 = 1,
    FR_META_BYTES = 2,
};

/* The built-in merge routines; each is applied as merge(mine, incoming). */
enum fr_meta_merge {
    FR_MERGE_REPLACE = 0,     /* the incoming value */
    FR_MERGE_MIN = 1,         /* u64 only */
    FR_MERGE_MAX = 2,         /* u64 only */
    FR_MERGE_SUM = 3,         /* u64 only, wrapping */
    FR_MERGE_CONCAT = 4,      /* bytes only: mine then incoming, cut at FR_META_BYTES_MAX */
    FR_MERGE_USER = 5,        /* struct fr_meta_type's user routine */
};

/* A value: u64 for FR_META_U64; len and bytes for FR_META_BYTES. */
struct fr_meta_value {
    uint64_t u64;
    size_t len;
    unsigned char bytes[FR_META_BYTES_MAX];
};

/* A user merge routine: write into @out what @id of @type becomes when the
 * thread holds @mine and a message brings @in (same kind; out->len at most
 * FR_META_BYTES_MAX, larger is cut).  Runs on the receiving thread. */
typedef void (*fr_meta_user_merge_fn)(uint32_t type, uint64_t id, const struct fr_meta_value *mine,
                                      const struct fr_meta_value *in, struct fr_meta_value *out);

struct fr_meta_type {
    const char *name;         /* its identity in every FMP; copied */
    enum fr_meta_kind kind;
    enum fr_meta_merge merge;
    fr_meta_user_merge_fn user;  /* FR_MERGE_USER's routine, else NULL */
    unsigned mask;            /* FR_META_CALLS, or 0: the items stay on their thread */
};

/* Register @t; its id in *@type.  0; -EINVAL for a bad description (no
 * name, unknown kind, a merge that does not fit the kind, a user routine
 * missing or not asked for, unknown mask bits); an error of pthread_atfork
 * for the first FR_META_EXEC type;
 * -EEXIST when the name (or another with the same hash) is registered
 * with another description; -ENOSPC past FR_META_TYPES_MAX types. */
FR_API int fr_meta_type_register(const struct fr_meta_type *t, uint32_t *type);

/* Set item (@type, @id) of this thread to @len bytes at @value (a u64
 * type: len 8, a uint64_t).  0; -ENOENT for an unknown type; -EINVAL for
 * a u64 with len != 8; -EMSGSIZE for bytes past FR_META_BYTES_MAX;
 * -ENOSPC when the travelling set would not fit a header (or the thread
 * holds FR_META_WIRE items). */
FR_API int fr_meta_insert(uint32_t type, uint64_t id, const void *value, size_t len);
FR_API int fr_meta_insert_u64(uint32_t type, uint64_t id, uint64_t value);
/* 0 and *@out, or -ENOENT. */
FR_API int fr_meta_lookup(uint32_t type, uint64_t id, struct fr_meta_value *out);
FR_API int fr_meta_lookup_u64(uint32_t type, uint64_t id, uint64_t *value);
/* 0, or -ENOENT. */
FR_API int fr_meta_remove(uint32_t type, uint64_t id);
/* The distinct types of this thread's items: writes up to @max of them
 * into @out and returns how many there are. */
FR_API unsigned fr_meta_types(uint32_t *out, unsigned max);

/*
 * Transfer-point callbacks.  A callback registered for a type runs for
 * each item of that type the thread holds at the points of @points a
 * module call passes (a mask of the FR_META_CALL_* / REPLY_* below):
 *   FR_META_CALL_OUT   the request leaves the caller (on the caller's set)
 *   FR_META_CALL_IN    it arrives in the callee (on the callee's set)
 *   FR_META_REPLY_OUT  the reply leaves the callee
 *   FR_META_REPLY_IN   it arrives in the caller (after the merge)
 * They run where the set is written into a message's header and read out
 * of one, and, for a call between two modules of one FMP, at the same
 * four points in the same order: the same program runs the same
 * callbacks on the same values in every deployment.  A callback may
 * rewrite the item through t->value (same kind; a bytes value at most
 * FR_META_BYTES_MAX, and within the header's room, else the rewrite is
 * dropped).  It must not make module calls (those it makes carry no
 * callbacks of their own).
 *
 *   static void stamp(const struct fr_meta_transfer *t, void *ctx)
 *   {
 *       t->value->u64 += 1;   // counts the hops of every call
 *   }
 *   fr_meta_on_transfer(hops, FR_META_CALL_IN, stamp, NULL);
 *
 * Register them like the types, in every FMP (a constructor, or a
 * meta-application's fr_meta_init).
 */
#define FR_META_CALL_OUT 0x1u
#define FR_META_CALL_IN 0x2u
#define FR_META_REPLY_OUT 0x4u
#define FR_META_REPLY_IN 0x8u
#define FR_META_CALLBACKS_MAX 4   /* per type */

struct fr_meta_transfer {
    unsigned point;           /* one of FR_META_CALL_OUT .. FR_META_REPLY_IN */
    uint32_t type;
    uint64_t id;
    struct fr_meta_value *value;  /* the item's value: the callback may rewrite it */
    const char *module;       /* the callee's module, or NULL when not at hand */
    const char *function;     /* the function called, or NULL */
};

typedef void (*fr_meta_transfer_fn)(const struct fr_meta_transfer *t, void *ctx);

/* Run @fn(t, @ctx) at @points for the items of @type.  0; -ENOENT for an
 * unknown type; -EINVAL for no fn, no point or unknown bits, or a type
 * whose items do not travel (no FR_META_CALLS); -ENOSPC past
 * FR_META_CALLBACKS_MAX callbacks for the type. */
FR_API int fr_meta_on_transfer(uint32_t type, unsigned points, fr_meta_transfer_fn fn,
                               void *ctx);

/* The key/value calls, items of the type "fr.key". */
typedef uint64_t (*fr_meta_merge_fn)(uint64_t key, uint64_t mine, uint64_t incoming);

/* Set @key to @value on this thread.  0, or -ENOSPC (8 keys fill a header). */
FR_API int fr_meta_set(uint64_t key, uint64_t value);
/* 0 and *value, or -ENOENT. */
FR_API int fr_meta_get(uint64_t key, uint64_t *value);
/* 0, or -ENOENT. */
FR_API int fr_meta_del(uint64_t key);
/* Merge routine for @key, process-wide.  0, -ENOSPC past 32 keys. */
FR_API int fr_meta_register_merge(uint64_t key, fr_meta_merge_fn fn);

#ifdef __cplusplus
}
#endif
#endif /* FRACTURE_META_H */
