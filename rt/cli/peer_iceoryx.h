/*
 * peer_iceoryx.h - the iceoryx request/response yardstick, which peers.c
 * hands off whole: unlike the other peers it needs a daemon (RouDi) and
 * namespaces of its own, so it does not fit peers.c's one-server mould.
 */
#ifndef FRACTURE_CLI_PEER_ICEORYX_H
#define FRACTURE_CLI_PEER_ICEORYX_H

/*
 * Measure as fr__peer_bench() does for FR_PEER_ICEORYX and write the
 * `rounds` doubles to wfd.  Called in a child of the bench that dies with
 * it (peers.c forks it), since making namespaces needs a single-threaded
 * process.  Returns 0 or a positive errno: ENOENT when RouDi does not
 * start, ETIMEDOUT when RouDi, the server or the connection is not ready
 * within seconds.  Everything it starts (RouDi, a server, a client) lives
 * in private mount and PID namespaces that end with it, so no process,
 * /dev/shm segment or socket file can outlive it, even when it is killed.
 */
int fr__peer_iceoryx_measure(int wfd, unsigned rounds, unsigned iters);

#endif
