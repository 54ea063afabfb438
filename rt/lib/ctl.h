/*
 * ctl.h - the control protocol between a child FMP and the root: one
 * SEQPACKET socket per child, fixed-size messages.  The root trusts what
 * a child says only about the child itself (supervise.c).
 */
#ifndef FR_CTL_H
#define FR_CTL_H

#include <stdint.h>

/* Control messages, child -> root, on the SEQPACKET control socket. */
/* READY and FAULT go child -> root; GO goes root -> child: a child maps
 * its regions, then waits for GO before it serves (a warm spare waits
 * there until it replaces a crashed incarnation, standby.c). */
enum fr_ctl_type {
    FR_CTL_READY = 1,
    FR_CTL_FAULT = 2,
    FR_CTL_GO = 3,
    FR_CTL_INIT_LOGGED = 4,   /* child: I made an FR_INIT call to FMP `fmp` */
    FR_CTL_REPLAY = 5,        /* root: replay your FR_INIT calls to `fmp` */
    FR_CTL_REPLAYED = 6,      /* child: done; `gen` holds -errno or 0, `n` how many */
    FR_CTL_RECYCLE = 7,       /* sampled instance: I served my calls, replace me */
    FR_CTL_EXIT = 8,          /* child: a module called exit(`gen`) (program.c) */
};
struct fr_ctl_msg {
    uint32_t type;
    uint32_t fmp;             /* FR_CTL_FAULT: the FMP to stop */
    uint32_t gen;             /* FR_CTL_FAULT: its incarnation that broke */
    uint32_t n;               /* FR_CTL_REPLAYED: FR_INIT calls replayed */
};

#endif /* FR_CTL_H */
