/*
 * handle.h - handles (FR_OPAQUE, FRACTURE_OPAQUE) die with the incarnation
 * of the FMP that minted them.
 *
 * A handle is a pointer only its owning module dereferences; stubs and
 * dispatchers pass it as FR_W_HANDLE (fr_put_handle, fr_get_handle,
 * fr_arg_handle, fr_ret_handle), a parameter, a return value or a field of
 * a struct copied deep alike.  Where some FMP of the program can come back
 * as a new incarnation (restart:, or a sampled instance recycled), a
 * handle outside the FMP that owns its object carries the owner's tag in
 * its top 16 bits, which no user-space pointer uses:
 *
 *     bit 63      1: a tag
 *     bits 48-62  the owner's FMP index in the high b bits (b the fewest
 *                 that count every FMP and one value more, so that the
 *                 all-ones value names nobody: (void *)-1 is no handle;
 *                 a replica names its group's first member: replicas
 *                 answer alike), the owner's incarnation modulo 2^(15-b)
 *                 in the others
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
 * Tagged values still compare as the program's: equal where the objects
 * are, NULL stays NULL, and handles of one owner keep their order.  Code
 * that is not the owner may store, compare and pass them on; it must not
 * compute with their bits.  Where nothing in the program can be reborn,
 * no handle is tagged: its bits cross untouched and nothing is checked.
 *
 * Limits: the incarnation counted modulo 2^(15-b) (8192 with 3 FMPs, 256
 * with 100; more than 16383 FMPs: no tags) comes round again after that
 * many restarts, and a handle held across a multiple of that many, its
 * address reused, would pass; a value whose top 16 bits are in use (not a
 * user pointer) and a handle field of a union (the annotator copies a
 * union's bytes as they are) cross untagged and unchecked; FR_INIT calls
 * replayed into a new incarnation make new objects, and the caller still
 * holds the old handles (stale, as every handle of a dead incarnation; a
 * logged FR_INIT call that passes one fails its replay); a replica that
 * restarted holds none of its group's objects and is not told apart.
 */
#ifndef FR_HANDLE_H
#define FR_HANDLE_H

#include <stdint.h>

struct fr_call;

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

/* 0, or -ESTALE when a handle @c passes was minted by an incarnation of
 * FMP @peer other than @gen (its current one). */
int fr__handle_check(const struct fr_call *c, int peer, uint32_t gen);

#endif /* FR_HANDLE_H */
