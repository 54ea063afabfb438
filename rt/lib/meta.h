/*
 * meta.h - the runtime's side of a thread's metadata set (the public half
 * is fracture/meta.h): what the channel carries in a message's header.
 */
#ifndef FR_META_H
#define FR_META_H

#include "region.h"   /* struct fr_meta_ent: how it sits in a message header */

#include <fracture/meta.h>

/* Room for every item that may stay (FR_META_WIRE of a type that does not
 * travel) beside every one a header can bring. */
#define FR__META_ITEMS_MAX (2 * FR_META_WIRE)

/* The runtime's own room in a header, beside the thread's FR_META_WIRE
 * entries: the pins of replicated and sampled groups (group.h), which
 * keep the nested calls of a call to a group with the member serving it.
 * They travel as one bytes item of type FR__META_PIN_TYPE, a (group,
 * value) byte pair per pin: a head and three entries hold 24 pins, one
 * per group a plan may have (config_check.c refuses more).  A full set of
 * the program's items thus never leaves a call to a group unpinned. */
#define FR__META_PINS_MAX 24
#define FR__META_PIN_ENTRIES (1 + (2 * FR__META_PINS_MAX + 15) / 16)

struct fr__meta_item {
    uint32_t type;
    uint8_t kind;
    uint8_t travels;          /* the type has FR_META_CALLS (or came with a message) */
    uint64_t id;
    struct fr_meta_value v;
};

/* A thread's whole set (some 3 KB): what a call inside one FMP, a nested
 * request and a replicated call keep of the caller's while it is away. */
struct fr__meta_set {
    unsigned n;
    unsigned nlocal;          /* items that do not travel */
    unsigned wire;            /* header entries the travelling ones take */
    unsigned npins;           /* non-zero entries of pins[] */
    uint8_t pins[FR__META_PINS_MAX];  /* group -> its pin (0: none) */
    struct fr__meta_item e[FR__META_ITEMS_MAX];
};

/* Encode the thread's travelling items and pins into @out (room for
 * FR_META_MAX entries); how many entries. */
unsigned fr__meta_export(struct fr_meta_ent *out);
/* The thread's travelling items (and its pins, as one): 0 when a message
 * needs no metadata. */
unsigned fr__meta_count(void);
/* Merge the @n entries that came with a reply into the thread's set, by
 * Causeway's rules (each type's merge routine). */
void fr__meta_adopt(const struct fr_meta_ent *in, unsigned n);

/* What a message of function @fn carries out at @point (FR_META_CALL_OUT,
 * FR_META_REPLY_OUT): the callbacks of that point run, then the set is
 * encoded into @out; how many entries. */
unsigned fr__meta_send(struct fr_meta_ent *out, unsigned point, unsigned fn);
/* What a message brings in at @point: a request's set (FR_META_CALL_IN)
 * replaces the thread's travelling items, a reply's (FR_META_REPLY_IN) is
 * merged into them; then the callbacks of that point run. */
void fr__meta_recv(const struct fr_meta_ent *in, unsigned n, unsigned point, unsigned fn);
/* Run the callbacks of @point on the thread's items (none while one runs;
 * none of the caller's points while fr__meta_quiet). */
void fr__meta_fire(unsigned point, unsigned fn);
/* Caller-side callbacks held back: a replicated call runs them once for
 * all its replicas (replicate.c). */
extern __thread int fr__meta_quiet;

/* (metaexec.c) In a child process just forked: the thread's items whose
 * type lacks FR_META_EXEC are dropped, the others encoded into @out (room
 * for FR__META_ITEMS_MAX * (1 + FR_META_BYTES_MAX / 16) entries); how many
 * entries. */
unsigned fr__meta_fork_child(struct fr_meta_ent *out);
/* (metaexec.c) The @n entries a parent process left for this one, added
 * to the thread's set (untrusted: what does not parse ends them); how many
 * items were taken. */
unsigned fr__meta_inherited(const struct fr_meta_ent *in, unsigned n);
/* (metatype.c) Type @type registered now: the thread's items of it travel
 * with calls or stay, as its mask says (items inherited before it was). */
void fr__meta_retype(uint32_t type, int travels);
#define FR__META_INHERIT_MAX (FR__META_ITEMS_MAX * (1 + FR_META_BYTES_MAX / 16))

/* Group @g's pin on this thread: its value, 0 for none.  Set: @value
 * (1..255) pins it, 0 takes the pin away; g < FR__META_PINS_MAX.  A request
 * brings the caller's pins; a reply leaves the thread's own as they were
 * (a callee sets and takes away its own pins around its own calls). */
unsigned fr__meta_pin(unsigned g);
void fr__meta_pin_set(unsigned g, unsigned value);

/* Whether the thread holds any item or pin. */
int fr__meta_any(void);
/* The thread's whole set into @out / back from @in (NULL: empty). */
void fr__meta_save(struct fr__meta_set *out);
void fr__meta_restore(const struct fr__meta_set *in);

#endif /* FR_META_H */
