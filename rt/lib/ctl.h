/*
 * ctl.h - the control protocol between a child FMP and the root: one
 * SEQPACKET socket per child (ctl.c).  The root trusts what a child says
 * only about the child itself (supervise.c).
 *
 * Most messages are one fixed-size datagram, struct fr_ctl_msg.  A message
 * with a payload (FR_CTL_INIT_COPY, _RECORD, _CALL: initlog.c) goes as
 * as many datagrams as it takes, each a struct fr_ctl_msg (`gen`: 1 when
 * more datagrams of the message follow) and up to FR_CTL_CHUNK bytes (as
 * many as the datagram holds past its header), with up to FR_CTL_MAXFDS of its descriptors
 * (SCM_RIGHTS); one sender at a time, so that they follow each other.
 */
#ifndef FR_CTL_H
#define FR_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* READY and FAULT go child -> root; GO goes root -> child: a child maps
 * its regions, then waits for GO before it serves (a warm spare waits
 * there until it replaces a crashed incarnation, standby.c). */
enum fr_ctl_type {
    FR_CTL_READY = 1,
    FR_CTL_FAULT = 2,
    FR_CTL_GO = 3,
    FR_CTL_INIT_COPY = 4,     /* child: an FR_INIT call it made, for the root's log */
    FR_CTL_INIT_RECORD = 5,   /* root: one a predecessor of the child made */
    FR_CTL_RECORDS_END = 6,   /* root: that was the last: say when they are kept */
    FR_CTL_RECYCLE = 7,       /* sampled instance: I served my calls, replace me */
    FR_CTL_EXIT = 8,          /* child: a module called exit(`gen`) (program.c) */
    FR_CTL_RECORDS_KEPT = 9,  /* child: the records are kept, replay away */
    /* child: its FR_INIT call `gen` in flight is about to go (a payload),
     * waits for its callee's next incarnation, goes on, is over (failed,
     * or not logged; a logged one ends with its copy) */
    FR_CTL_INIT_CALL = 10,
    FR_CTL_INIT_WAITING = 11,
    FR_CTL_INIT_RESUMED = 12,
    FR_CTL_INIT_OVER = 13,
    /* root: the lasting handles the reply of the FR_INIT call replayed
     * next had the first time (a payload of u64: handle.h); child: kept */
    FR_CTL_INIT_HANDLES = 14,
    FR_CTL_HANDLES_KEPT = 15,
};
struct fr_ctl_msg {
    uint32_t type;
    uint32_t fmp;             /* FR_CTL_FAULT: the FMP to stop */
    uint32_t gen;             /* FR_CTL_FAULT: its incarnation that broke; GO: the
                               * incarnation it starts */
};

/* Bytes and descriptors of a payload per datagram: well below a unix
 * socket's send buffer (net.core.wmem_default, 208 KiB), and below the
 * kernel's limit of descriptors per message (253). */
#define FR_CTL_CHUNK ((size_t)16 << 10)
#define FR_CTL_MAXFDS 16

/* One datagram as received: its header, its bytes, its descriptors (owned
 * by whoever holds it: take them, or close them, fr__ctl_drop_fds). */
struct fr_ctl_in {
    struct fr_ctl_msg m;
    size_t len;
    unsigned nfds;
    int fds[FR_CTL_MAXFDS];
    unsigned char data[FR_CTL_CHUNK];
};

/* Send message @type about FMP @fmp with @len bytes of @data and @nfds
 * descriptors (duplicated into the receiver; the caller keeps its own), in
 * as many datagrams as they take; blocks while the socket is full.  0 or
 * a negative errno (the receiver has gone: -EPIPE or -ECONNRESET). */
int fr__ctl_send(int sock, uint32_t type, uint32_t fmp, const void *data, size_t len,
                 const int *fds, unsigned nfds);
/* Receive one datagram into @in (@flags as recv's: MSG_DONTWAIT).  Its
 * size; 0 when the peer hung up; -EAGAIN when none waits; another negative
 * errno.  A datagram that is cut short or shorter than a header comes back
 * with m.type 0 and no descriptors. */
ssize_t fr__ctl_recv(int sock, int flags, struct fr_ctl_in *in);
/* Close the descriptors @in still holds. */
void fr__ctl_drop_fds(struct fr_ctl_in *in);

#endif /* FR_CTL_H */
