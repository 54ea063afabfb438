/*
 * peers.h - the yardsticks `fracture bench` holds the runtime against.
 * The performance targets are ratios ("≤ 1.5× raw ping-pong", "faster
 * than each peer"), so the same run must also time the transports we compare
 * to, the same way: one null RPC to a server in another process.  The
 * /proc and mincore() helpers give the CPU and memory figures (idle CPU,
 * private memory, lazily touched regions) without each caller re-parsing.
 */
#ifndef FRACTURE_CLI_PEERS_H
#define FRACTURE_CLI_PEERS_H

#include <stddef.h>

#include "helpers.h"
#include <stdint.h>
#include <sys/types.h>

/*
 * zmq and nng are REQ/REP over ipc:// (a Unix socket in a private temporary
 * directory); iceoryx is request/response through Debian's iceoryx 2 and a
 * RouDi the bench starts and stops itself (peer_iceoryx.c).
 */
enum fr_peer_kind {
    FR_PEER_RAW_PINGPONG,
    FR_PEER_SOCKETPAIR,
    FR_PEER_PIPE,
    FR_PEER_ZMQ,
    FR_PEER_ICEORYX,
    FR_PEER_NNG,
};

/* "raw_pingpong", "socketpair", "pipe", "zmq", "iceoryx", "nng"; NULL for an
 * unknown kind. */
const char *fr__peer_name(enum fr_peer_kind k);

/*
 * Measure a null RPC (an 8-byte request, an 8-byte reply echoed by a server in
 * a forked child process) with the given transport: `rounds` rounds of `iters`
 * round trips each, after a warm-up; out[r] = mean nanoseconds per round trip
 * in round r.  The child is always reaped and every descriptor, mapping and
 * temporary file/dir is gone when this returns, errors included.
 *
 * The warm-up is one untimed round of `iters` round trips.  Errors: -EINVAL
 * for a bad argument; if the server fails, the errno it failed with (-ECHILD
 * if it was killed by a signal); otherwise the errno of the failing call.
 * out[] is unspecified after an error.  Must not be called with SIGCHLD
 * ignored if the error code of a failing child matters (it cannot be read).
 */
int fr__peer_bench(enum fr_peer_kind k, unsigned rounds, unsigned iters, double *out);

/*
 * What a measuring child runs (fracture-peer, the unit test): measure as
 * above and write the `rounds` doubles to wfd.  0 or a positive errno.
 * Only where nng and iceoryx are linked (FR_PEERS_LINKED): `fracture`
 * itself execs fracture-peer for those two (see peers.c).
 */
int fr__peer_measure(int wfd, enum fr_peer_kind k, unsigned rounds, unsigned iters);

/*
 * Median and 99th percentile of v[0..n) (v is sorted in place), both by
 * linear interpolation between closest ranks (NumPy's default), so the
 * median of an even count is the mean of the middle two.  NAN when n == 0.
 */
void fr__stats(double *v, size_t n, double *median, double *p99);

/*
 * CPU time (user+system, all threads) consumed so far by process pid, in ns,
 * from /proc/pid/stat.  Children are not included.  The kernel reports it in
 * clock ticks (usually 10 ms), so only differences over long spans mean much.
 */
int fr__proc_cpu_ns(pid_t pid, uint64_t *ns);

/* private memory of process pid (Private_Clean + Private_Dirty from /proc/pid/smaps_rollup), KiB */
int fr__proc_private_kb(pid_t pid, uint64_t *kb);

/*
 * Bytes of [addr, addr+len) resident in memory, via mincore() (addr page
 * aligned, else -EINVAL; a range with unmapped pages gives -ENOMEM).  A
 * partial last page counts only its bytes inside the range.
 */
int fr__resident_bytes(const void *addr, size_t len, uint64_t *bytes);


#endif
