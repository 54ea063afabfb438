/*
 * handle.h - handles (FR_OPAQUE, FRACTURE_OPAQUE) die with the incarnation
 * of the FMP that minted them.
 *
 * A handle is a pointer only its owning module dereferences; stubs and
 * dispatchers pass it as FR_W_HANDLE (fr_put_handle, fr_get_handle,
 * fr_arg_handle, fr_ret_handle), a parameter, a return value or a field of
 * a struct copied deep alike, or an element of an array of them
 * (fr_put_handles: FR_W_HANDLES, then one FR_W_HANDLE each).  Where some
 * FMP of the program can come back as a new incarnation (restart:, or a
 * sampled instance recycled), or a sample group has more than one
 * instance (a call must reach the instance that made the objects it
 * passes: sample.c routes it by the tag, fr__handle_maker), a handle
 * outside the FMP that owns its object carries the owner's tag in its top
 * 16 bits, which no user-space pointer uses:
 *
 *     bit 63      1: a tag
 *     bits 48-62  the owner's FMP index in the high b bits (b the fewest
 *                 that count every FMP and one value more, so that the
 *                 all-ones value names nobody: (void *)-1 is no handle;
 *                 a replica names its group's first member: replicas
 *                 answer alike), and in the other 15-b bits either the
 *                 owner's incarnation modulo 2^(15-b) - 1 or, all ones,
 *                 LASTING: an object an FR_INIT call returned
 *
 * The owner tags its own pointers as they leave (fr__handle_out) and takes
 * the tag off as they come back (fr__handle_in), so that its code sees its
 * own pointers and every other FMP holds a value that names the owner and
 * the incarnation.  The minting side decides: a handle tagged with this
 * FMP and another incarnation (or, in a sampled instance, with a sibling
 * instance) is refused with -ESTALE before the dispatcher calls anything
 * (the reply is an ERR with it; the caller's FR_ON_FAILURE reports errno
 * ESTALE, a permanent failure: the object died with its process, unlike
 * EIO or EAGAIN, the FMP gone or busy now); so is one that comes back to
 * it in the reply of a call it made.  Every path checks: the handle may
 * have crossed inside a struct, or through a third FMP (B's handle given
 * to A, by A to C, by C back to B after B restarted), and an object the
 * new incarnation made at a dead one's address has another tag than the
 * dead one's handle.  The caller also looks before each attempt to a
 * restartable FMP (fr__handle_check): the tag names the peer's incarnation,
 * so a dead one's handle is refused without sending it.
 *
 * Objects of FR_INIT calls live on.  The root replays every FR_INIT call
 * into each new incarnation (initlog.c), which so makes those objects
 * again, at addresses of its own; the program holds the handles the first
 * replies gave it.  So the handles an FR_INIT call returns (in its reply,
 * a struct copied deep too) are LASTING ones, and their owner keeps a
 * table, value <-> its own pointer (an alias): the value goes out for the
 * object wherever it leaves (equal handles for one object), and comes back
 * as the pointer.  Before it replays an FR_INIT call, the root tells the
 * new incarnation the lasting values of the reply it recorded
 * (fr__handle_expect), and the replay's own objects take those values
 * (fr__handle_init_reply): the program's handles name the new objects, and
 * a deterministic setup answers its replay byte for byte as the first
 * time.  Every other object dies with its incarnation, as above.
 *
 * A replica's handles are numbers, not pointers: the members of a group
 * each hand out their own addresses (ASLR puts every process's heap
 * elsewhere), and their replies must be alike to be voted on.  So a
 * replica numbers each object as it first leaves, from the place of the
 * call it serves in the call tree (the request's parent and nth, which
 * every member gets alike, and a restarted member in its replay) and how
 * many objects that call numbered before; the table number <-> pointer
 * gives the same number for the object each time it leaves, and the
 * pointer back when the number comes in.  Whatever is tagged is so on as
 * soon as a group replicates, reborn or not.  A replica that restarted
 * holds its group's FR_INIT objects again (their replay, lasting values
 * as above) and no number of what its group made before: it refuses
 * (-ESTALE) those handles, and the caller counts that as no vote
 * (replicate.c).  The table is never shrunk (an object's end is not
 * seen); an object freed whose address a later one takes keeps the
 * number, in every member whose allocator reuses it alike (one that does
 * not is outvoted, said).
 *
 * Tagged values still compare as the program's: equal where the objects
 * are, NULL stays NULL, and handles of one owner keep their order (but a
 * replica's: numbers).  Code
 * that is not the owner may store, compare and pass them on; it must not
 * compute with their bits.  Where nothing in the program can be reborn,
 * no handle is tagged: its bits cross untouched and nothing is checked.
 *
 * The incarnation comes round after 2^(15-b) - 1 restarts (8191 with 3
 * FMPs, 255 with 100; more than 8191 FMPs: no tags): a handle held across
 * that many could pass as live.  So the root starts no incarnation whose
 * tag an earlier one had (fr__handle_wraps): the FMP is lost, said so.
 * Limits: a value whose top 16 bits are in use (not a user pointer) and a
 * handle field of a union (the annotator copies a union's bytes as they
 * are) cross untagged and unchecked; a handle an FR_INIT call passes out
 * in its requests (the owner's pointer given to another FMP) dies with
 * the incarnation; an object freed, whose address a later object takes,
 * is taken for the lasting one it replaced.
 */
#ifndef FR_HANDLE_H
#define FR_HANDLE_H

#include <stdint.h>

struct fr_call;
struct fr__field;

/* Nonzero in a replica: callee.c tells the call it serves (fr__handle_serving). */
extern int fr__handle_numbering;

/* The frame of the call a thread serves, while it serves it: a replica's
 * objects are numbered from it.  @save keeps the outer one, for
 * fr__handle_served to put back. */
struct fr_handle_frame {
    uint64_t frame;
    uint32_t n;
};
void fr__handle_serving(struct fr_handle_frame *save, uint64_t frame);
void fr__handle_served(const struct fr_handle_frame *save);

/* This FMP's tag, once it knows every FMP of the plan and its own
 * incarnation @gen (a child: after GO).  No tag (handles cross as they
 * are) unless some FMP can be reborn. */
void fr__handle_adopt(uint32_t gen);

/* The value of handle @v as it leaves this FMP: this FMP's own pointer
 * tagged, any other value as it is. */
uint64_t fr__handle_out(uint64_t v);

/* Handle *@v as it arrives here: 0 with *@v the value this FMP holds (its
 * own pointer untagged, another FMP's handle as it is), or -ESTALE for
 * one another incarnation of this FMP (or a sibling instance) minted. */
int fr__handle_in(uint64_t *v);

/* The FMP whose object handle @v is, as this FMP holds it (its own
 * pointers: this FMP), or -1 for NULL or when handles carry no tags. */
int fr__handle_owner(uint64_t v);

/* 0, or -ESTALE when a handle @c passes was minted by an incarnation of
 * FMP @peer other than @gen (its current one).  A lasting handle passes:
 * its owner decides. */
int fr__handle_check(const struct fr_call *c, int peer, uint32_t gen);

/* (sample.c) The instance of sample group @gi that made the objects the
 * handles of call @c name: 1 with *@j its index in the group, 0 when no
 * handle names one, -EXDEV when two instances' handles are passed (*@j
 * and *@other: no one instance holds both objects). */
int fr__handle_maker(const struct fr_call *c, int gi, int *j, int *other);

/* fr__handle_maker for a call @c to sample group @gi, the refusal said:
 * -EXDEV with the log line written and c->why and c->err set. */
int fr__handle_maker_said(struct fr_call *c, int gi, int *j);

/* (initlog.c) An FR_INIT call @c to FMP @peer, before it is encoded: the
 * instance it goes to alone, because it passes that instance's handles
 * (its FMP: the sample policy sends it there when this thread makes the
 * call next, fr__handle_init_only); -1, every instance (not a sampled
 * FMP, or no instance's handle); -EXDEV, handles of two instances (said). */
int fr__handle_init_member(struct fr_call *c, int peer);
/* (sample.c) That instance's FMP, taken once; -1, none. */
int fr__handle_init_only(void);

/* (callee.c) The reply fields @rf[0..n) of an FR_INIT call this FMP
 * served: its own handles among them become lasting ones (the values
 * fr__handle_expect gave, in order, if any: then taken).  Out of memory,
 * or where a lasting value of an earlier incarnation's object names the
 * new object's address, a handle stays its incarnation's (said). */
void fr__handle_init_reply(struct fr__field *rf, unsigned n);

/* Child: the lasting values the reply of the FR_INIT call the root
 * replays next had the first time (@v[0..n), copied): its own handles
 * take them.  0 or -ENOMEM. */
int fr__handle_expect(const uint64_t *v, unsigned n);

/* Root: the lasting handles of FMP @k in the reply @rep (@len bytes), in
 * order: how many, the first @max of them in @out. */
unsigned fr__handle_lasting(const unsigned char *rep, uint64_t len, int k, uint64_t *out,
                            unsigned max);

/* Root: whether handles @a, recorded, and @b, of a replay of the same
 * call, may name the same object: equal, or of different owners (the
 * first answer came from a sibling instance). */
int fr__handle_alike(uint64_t a, uint64_t b);

/* Root: whether incarnation @gen of FMP @k would carry the tag of an
 * earlier incarnation, whose handles could then pass as live. */
int fr__handle_wraps(int k, uint32_t gen);
/* Root: how many incarnations the tags of FMP @k tell apart (0: any). */
uint32_t fr__handle_period(int k);

#endif /* FR_HANDLE_H */
