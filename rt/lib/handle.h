/*
 * handle.h - handles (FR_OPAQUE, FRACTURE_OPAQUE) die with the incarnation
 * of the FMP that minted them.
 *
 * A handle is a pointer only its owning module dereferences; the stubs
 * pass it as FR_W_HANDLE (fr_put_handle, fr_get_handle, fr_arg_handle,
 * fr_ret_handle), its bits untouched, so that every FMP compares and
 * stores it as the unfractured program would.  The caller side, which
 * survives the callee's crash, keeps the registry: each handle a
 * restartable FMP returns is noted with the FMP and the incarnation that
 * returned it.  Before a request goes to a restartable FMP (a first
 * attempt or a replay after a restart), every handle it passes is looked
 * up: one minted by an earlier incarnation of that very FMP fails the call
 * with -ESTALE, without sending it: a permanent failure (the object died
 * with its process; a retry cannot bring it back), which FR_ON_FAILURE
 * reports as errno ESTALE, unlike a transient one (EAGAIN, EIO: the FMP is
 * gone or overloaded now).  The new incarnation never sees the handle, so
 * a dead incarnation's objects cannot crash it again and again.
 *
 * Limits, by design of a registry rather than tagged values: a handle
 * that crossed inside a struct (an FR_OPAQUE field) or that this process
 * was handed by a third FMP is not known here and is not checked; a new
 * incarnation that mints an object at the address of a dead one's makes
 * the old handle look valid again (it names the new object).
 */
#ifndef FR_HANDLE_H
#define FR_HANDLE_H

#include <stdint.h>

struct fr_call;

/* Handle @v came back from FMP @fmp in incarnation @gen. */
void fr__handle_minted(uint64_t v, int fmp, uint32_t gen);

/* 0, or -ESTALE when a handle @c passes was minted by an incarnation of
 * FMP @peer other than @gen (its current one). */
int fr__handle_check(const struct fr_call *c, int peer, uint32_t gen);

#endif /* FR_HANDLE_H */
