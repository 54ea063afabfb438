/*
 * region.h - the shared-memory region between one pair of FMPs, and the
 * layout of the channels (slots) inside it.
 *
 * The root creates one memfd per pair of FMPs that may call each other and
 * hands it to both (it keeps a mapping too, to mark a dead side).  Side 0
 * is the FMP with the lower index.  The region holds a header page and one
 * slot per logical thread id; a slot is the channel of that logical thread
 * between the two FMPs.  Slots are touched only when used, so a region is
 * sparse: an idle channel costs one page, a busy one at most channel_kb.
 *
 * Nothing in a region is trusted by the side that reads it: geometry comes
 * from the root's plan, and every header is copied out and checked.
 */
#ifndef FR_REGION_H
#define FR_REGION_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define FR_REGION_MAGIC 0x46524731u   /* "FRG1" */
#define FR_CACHELINE 64

/* Bell words: low 31 bits a sequence number, top bit "the other side is
 * gone" (set by the root's supervisor, so that a sleeper wakes for good). */
#define FR_BELL_SEQ 0x7fffffffu
#define FR_BELL_GONE 0x80000000u

/* Message kinds. */
enum fr_msg_kind {
    FR_MSG_REQ = 1,           /* a call: fn, payload = request fields */
    FR_MSG_REP = 2,           /* its reply: payload = reply fields */
    FR_MSG_ERR = 3,           /* the callee could not run it: status */
    FR_MSG_ACK = 4,           /* chunk taken, send the next */
    FR_MSG_MORE = 5,          /* next chunk of a long message */
};

/* Metadata entries in a slot: the thread's FR_META_WIRE (fracture/meta.h)
 * and the runtime's pins (meta.h), 20 of 16 bytes, which make the slot
 * header exactly its 576 bytes. */
#define FR_META_MAX 20

struct fr_meta_ent {
    uint64_t key, value;
};

/* Header of a message, beside the bell that publishes it: one cache line
 * carries both from the sender to the receiver. */
struct fr_msg_hdr {
    uint32_t seq;             /* equals the bell value that published it */
    uint16_t kind;
    uint16_t nmeta;           /* metadata entries in the slot's meta[] */
    uint32_t fn;
    int32_t status;
    uint64_t total;           /* payload bytes of the whole message */
    uint32_t chunk;           /* payload bytes in the window now (a window is < 4 GiB) */
    uint32_t gen;             /* the receiver's incarnation, as the sender knew it */
    /* A request's place in the call tree, the same in a replay (exchange.c):
     * the frame of the sender it is made from, and which of that frame's
     * outward calls it is, and the logical thread's top-level call it is
     * part of.  The callee logs what a restartable caller's frames made it
     * do, under each frame, for as long as the top-level call runs, and
     * feeds it to the replay of a frame (callee.c). */
    uint32_t nth;
    uint32_t top;
    uint64_t parent;
    /* The errno of the sender's thread (the program's, not the runtime's):
     * a request carries the caller's at the call, a reply the callee's
     * right after the function returned, so that a split call leaves
     * errno as the plain call does (call.c, callee.c). */
    int32_t eno;
    /* A request: the module whose code made it (state.h's fr__cur_module),
     * what a shadow hook sees as the caller; untrusted, read as a number.
     * The bell's line is full with it. */
    uint32_t caller;
};

/* One direction of a slot, alone on its cache line: the bell and the header
 * are written by the sender; `sleeping` by the receiver, only when it is
 * about to sleep.  A logical thread runs in one FMP at a time, so the two
 * directions strictly alternate. */
struct fr_bell {
    _Alignas(FR_CACHELINE) _Atomic uint32_t bell;  /* seq of the last message posted to this side */
    _Atomic uint32_t sleeping;/* this side is, or is about to be, in futex_wait */
    struct fr_msg_hdr hdr;    /* the message posted to this side */
};
_Static_assert(sizeof(struct fr_bell) == FR_CACHELINE, "a bell is one cache line");

/* Requests served on a slot (`fracture ps`), each count on a line of its
 * own: only the side that serves writes it (nested calls make both sides
 * serve on one slot, and one shared line would bounce between them), and
 * only the root reads it.  A restart clears headers, not these. */
struct fr_served {
    _Alignas(FR_CACHELINE) _Atomic uint64_t n;
};

struct fr_slot {
    struct fr_bell to[2];     /* to[s]: messages for side s */
    struct fr_meta_ent meta[FR_META_MAX];  /* of the message in flight */
    struct fr_served served[2];  /* served[s]: requests side !s served, replies to side s */
};

#define FR_SLOT_WINDOW 576    /* payload window offset inside a slot */
_Static_assert(sizeof(struct fr_slot) <= FR_SLOT_WINDOW, "slot header too big");

struct fr_region_hdr {
    uint32_t magic;
    uint32_t nslots;
    uint64_t slot_size;
    /* accept[s]: bumped when a slot opens toward side s (its first message). */
    struct fr_bell accept[2];
    /* exit status of a side that is gone (root writes it; informational). */
    _Atomic int32_t gone_status[2];
    /* gone[s]: side s has ended, as the incarnation that ended + 1 (0:
     * it serves; the root writes it, then marks the bells).  The root
     * clears it after a restart one region after the other, so a new
     * incarnation may ask us through one region while `gone` still shows
     * its predecessor's end in another: the value says which one is dead.
     * (An incarnation count never reaches 2^32 - 1: restarts are
     * budgeted, and handle tags stop them far earlier, handle.h.) */
    _Atomic uint32_t gone[2];
    /* gen[s]: incarnation of side s, bumped by the root when it restarts
     * it (a futex word: callers of a dead FMP sleep on it until it is back);
     * lost[s]: side s will not come back. */
    _Atomic uint32_t gen[2];
    _Atomic uint32_t lost[2];
    /* slow[s]: side s runs under Valgrind (it writes this when it maps the
     * region, fr__region_cache, as fr__chan_pace found): it answers in hundreds of microseconds and a spin for
     * it only takes a core from the machine, so a caller sleeps at once. */
    _Atomic uint32_t slow[2];
    /* then: uint64_t open[2][nslots/64] bitmaps, at FR_REGION_OPEN_OFF */
};

#define FR_REGION_OPEN_OFF 256
_Static_assert(sizeof(struct fr_region_hdr) <= FR_REGION_OPEN_OFF,
               "the open bitmaps follow the header");

/* Geometry, computed the same way by the root and by each child. */
struct fr_geom {
    uint32_t nslots;
    uint64_t slot_size;       /* bytes, multiple of 4096 */
    uint64_t hdr_size;        /* header page(s) */
    uint64_t size;            /* whole region */
};

void fr__region_geom(struct fr_geom *g, uint32_t nslots, uint64_t slot_size);

/* Create a memfd of the region's size for the pair (a, b), named for them.
 * Returns the fd (CLOEXEC) or a negative errno. */
int fr__region_create(const struct fr_geom *g, const char *a, const char *b);

/* Map the region in @fd; *out is the mapping (munmap it with g->size).
 * The creator also initialises the header (init != 0). */
int fr__region_map(int fd, const struct fr_geom *g, int init, void **out);

static inline struct fr_slot *fr__slot(void *base, const struct fr_geom *g,
                                       uint32_t i)
{
    return (struct fr_slot *)((char *)base + g->hdr_size + (uint64_t)i * g->slot_size);
}

static inline unsigned char *fr__slot_window(struct fr_slot *s)
{
    return (unsigned char *)s + FR_SLOT_WINDOW;
}

static inline _Atomic uint64_t *fr__region_open(void *base, const struct fr_geom *g,
                                                int side)
{
    return (_Atomic uint64_t *)((char *)base + FR_REGION_OPEN_OFF) +
           (size_t)side * ((g->nslots + 63) / 64);
}

#endif /* FR_REGION_H */
