/*
 * channel.h - one message each way on a logical thread's slot of a region:
 * sequence-numbered, chunked through the slot's window, with the futex
 * protocol of the bell (region.h draws the slot).
 */
#ifndef FR_CHANNEL_H
#define FR_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#include <fracture/abi.h>

#include "state.h"

struct fr_msg {
    uint16_t kind;
    uint32_t fn;
    int32_t status;
    uint32_t nth;             /* REQ: its place in the call tree (region.h) */
    uint32_t top;
    uint64_t parent;
    int32_t eno;              /* the sender thread's errno (region.h) */
    uint32_t caller;          /* REQ: the caller's module (region.h) */
    unsigned char *data;      /* private copy of the payload */
    uint64_t len;
};
extern __thread int fr__replaying;
/* How long a replaying thread (the supervisor's FR_INIT replay) waits for
 * one step when no call_timeout_ms is set: it must never hang. */
#define FR_REPLAY_TIMEOUT_NS ((int64_t)10 * 1000000000)
/* One request served on logical thread @lt's slot of region @r: counted
 * on a line of its own (region.h, `served`).  This side is
 * the count's one writer, so a relaxed load and store do. */
static inline void fr__chan_served(struct fr_lt *lt, int r)
{
    _Atomic uint64_t *n = &lt->slot[r]->served[!fr__rt.regions[r].side].n;

    atomic_store_explicit(n, atomic_load_explicit(n, memory_order_relaxed) + 1,
                          memory_order_relaxed);
}
/* Root: the requests FMP @k served through every region it is a party to,
 * each of its incarnations (the root maps every region). */
uint64_t fr__chan_served_by(int k);
int fr__chan_send(struct fr_lt *lt, int r, uint16_t kind, uint32_t fn,
                  int32_t status, const struct fr__field *f, unsigned n);
/* fr__chan_send of a request (status 0) of @total bytes (fr__wire_size of
 * @f[0..n)), which the caller has computed already. */
int fr__chan_send_req(struct fr_lt *lt, int r, uint32_t fn, const struct fr__field *f,
                      unsigned n, uint64_t total);
/* fr__chan_send of a reply (FR_MSG_REP, status 0). */
int fr__chan_send_rep(struct fr_lt *lt, int r, uint32_t fn, const struct fr__field *f,
                      unsigned n);
/* The common reply to the request just sent on region r, taken after a
 * short spin (channel.c says when): 1, or 0 with nothing taken. */
int fr__chan_quick_reply(struct fr_lt *lt, int r, uint32_t fn, struct fr_msg *m);
/* The common request on the slot, looked at (its header into *h) without
 * taking it: 1, or 0 for fr__chan_recv to judge (channel.c says which);
 * then taken, its payload into *buf (0, or -ENOMEM and nothing taken). */
struct fr_msg_hdr;
int fr__chan_peek_req(struct fr_lt *lt, int r, struct fr_msg_hdr *h);
int fr__chan_take_req(struct fr_lt *lt, int r, const struct fr_msg_hdr *h, void **buf,
                      size_t *cap);
/* A message buffer *buf of *cap bytes (malloc, the caller's) made room for
 * @need bytes: at least 256, grown by realloc.  0, or -ENOMEM with *buf
 * as it was. */
int fr__chan_reserve(void **buf, size_t *cap, uint64_t need);
/* fr__chan_send of @pre, a replica's record (replicate.c), then @f[0..n). */
int fr__chan_send_pre(struct fr_lt *lt, int r, uint16_t kind, uint32_t fn, int32_t status,
                      const struct fr__field *pre, const struct fr__field *f, unsigned n);
/* Either of the two: @pre is NULL on every call but a replicated one. */
static inline int fr__chan_send_after(struct fr_lt *lt, int r, uint16_t kind, uint32_t fn,
                                      int32_t status, const struct fr__field *pre,
                                      const struct fr__field *f, unsigned n)
{
    return FR__UNLIKELY(pre != NULL) ? fr__chan_send_pre(lt, r, kind, fn, status, pre, f, n)
                                     : fr__chan_send(lt, r, kind, fn, status, f, n);
}
/* How this process waits: spins of @spin_us (the config's spin_us) before
 * each sleep, or none at all under Valgrind (fr__rt.nospin).  Before the
 * regions are cached (fr__region_cache tells the peers). */
void fr__chan_pace(unsigned spin_us);
int fr__chan_wait(struct fr_lt *lt, int want, int64_t deadline_ns, int *got);
int fr__chan_recv(struct fr_lt *lt, int r, void **buf, size_t *cap, struct fr_msg *m);
int64_t fr__now_ns(void);
uint32_t fr__chan_next_seq(const struct fr_lt *lt, int r);
uint32_t fr__chan_req_seq(struct fr_lt *lt, int r);  /* of a request about to be sent */
int fr__chan_peek_kind(struct fr_lt *lt, int r);
int fr__chan_peer_moved(struct fr_lt *lt, int r);

#endif /* FR_CHANNEL_H */
