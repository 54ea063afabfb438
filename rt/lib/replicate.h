/*
 * replicate.h - a replicated FMP (replicate.c): the caller's half is the
 * replicate policy (policy.h); the replica's half is here: a replicated
 * call's record, and the outward calls a replica makes while it serves one.
 */
#ifndef FR_REPLICATE_H
#define FR_REPLICATE_H

#include <stdint.h>

#include <fracture/abi.h>

#include "state.h"

struct fr_wire_reader;

/* The replica side.  fr__replica_begin takes a RECORD or FOLLOW
 * request's prefix off @rd; fr__replica_end checks a follower kept to the
 * record, and gives the leader's record to prepend to its reply (*pre,
 * valid until the next begin on this thread). */
int fr__replica_begin(struct fr_lt *lt, int mode, struct fr_wire_reader *rd, int r, uint32_t fn);
int fr__replica_end(struct fr_lt *lt, int status, struct fr__field *pre);
/* An outward call of a replica: a follower is answered from the record
 * (1, *rc set); a leader records it, and its result @rc, after it returns
 * (fr__replica_note). */
int fr__replica_intercept(struct fr_call *c, struct fr_lt *lt, int *rc);
void fr__replica_note(struct fr_call *c, struct fr_lt *lt, int rc);

#endif /* FR_REPLICATE_H */
