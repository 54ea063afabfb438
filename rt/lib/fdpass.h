/*
 * fdpass.h - descriptors that travel with a call (FR_FD): beside the
 * message, over the region's SEQPACKET socket.
 */
#ifndef FR_FDPASS_H
#define FR_FDPASS_H

#include <stdint.h>
#include "state.h"

/* Descriptors travel beside a message, tagged (slot, seq of the message,
 * index among its descriptors), over the region's SEQPACKET socket. */
int fr__fd_send(struct fr_region *rg, uint32_t slot, uint32_t seq, uint32_t idx, int fd);
int fr__fd_recv(struct fr_region *rg, uint32_t slot, uint32_t seq, uint32_t idx, int *fd);
void fr__fd_drop_pending(struct fr_region *rg);

struct msghdr;
/* The descriptors that came with @mh (received with SCM_RIGHTS): the first
 * @max into @fds, in order, the others closed.  How many are in @fds. */
unsigned fr__fd_taken(struct msghdr *mh, int *fds, unsigned max);

#endif /* FR_FDPASS_H */
