/*
 * plain.h - the plain kind of FMP, and a call to one member of a group
 * (plain.c).
 */
#ifndef FR_PLAIN_H
#define FR_PLAIN_H

#include <fracture/abi.h>

#include "state.h"

/*
 * One call of @c to member FMP @peer of a group, as the member's kind says
 * (plain or restart).  @mode is the request's fr_req_mode (group.h: 0, or
 * a replica's RECORD / FOLLOW) and @pre, when not NULL, a field sent
 * before the call's own (a follower's record).
 */
int fr__member_call(struct fr_call *c, struct fr_lt *lt, int peer, int mode,
                    const struct fr__field *pre);

#endif /* FR_PLAIN_H */
