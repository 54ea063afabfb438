/*
 * peer_iceoryx.h - the iceoryx request/response yardstick, which peers.c
 * hands off whole: unlike the other peers it needs a daemon (RouDi) and
 * namespaces of its own, so it does not fit peers.c's one-server mould.
 */
#ifndef FRACTURE_CLI_PEER_ICEORYX_H
#define FRACTURE_CLI_PEER_ICEORYX_H

/*
 * fr__peer_bench() for FR_PEER_ICEORYX: same arguments, results and
 * errors, plus -ENOENT when RouDi cannot be started and -ETIMEDOUT when
 * RouDi, the server or the connection is not ready within seconds.
 * Everything it starts (RouDi, a server, a client) lives in private mount
 * and PID namespaces that end with it, so no process, /dev/shm segment or
 * socket file can outlive the call, even when the caller is killed.
 */
int fr__peer_iceoryx_bench(unsigned rounds, unsigned iters, double *out);

#endif
