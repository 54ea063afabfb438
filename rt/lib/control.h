/*
 * control.h - the root's control socket (control.c), which `fracture ps`
 * and `fracture ctl` (rt/cli/ps.c, ctl.c) talk to: one request line in,
 * one JSON object out, per connection.
 *
 * The socket is a SOCK_STREAM Unix socket in the abstract namespace,
 * "\0fracture/UID/PID" (UID the root's effective uid, PID its pid): nothing
 * on disk, so nothing is left behind when the root is killed, and the
 * client finds every program through /proc/net/unix.  An abstract socket
 * has no file mode: the root checks each peer's uid (SO_PEERCRED) and
 * answers another user's with an error only; the client checks the
 * server's uid and pid the same way, so a squatter cannot pose as a root.
 *
 * A request is one line of at most FR_CONTROL_REQ_MAX bytes:
 *
 *     v1 ACTION FMP-GLOB [ARG]\n
 *
 * ACTION stats, restart, stop, signal (ARG: a signal number), env-next;
 * FMP-GLOB an fnmatch(3) pattern over the program's FMP names.  The answer
 * (control.c says its fields) is {"version": 1, ...} with an "error" on a
 * malformed request.  The request's words and decoder are control_req.h.
 */
#ifndef FR_CONTROL_H
#define FR_CONTROL_H

/*
 * Root: listen on the control socket and serve it on a thread of its own,
 * which sleeps in accept(2): nothing on the call path, no CPU while idle.
 * @config is the deployment file (said by `ps`).  0, or a negative errno
 * (the program runs on without a control socket; the caller says so).
 */
int fr__control_start(const char *config);

#endif /* FR_CONTROL_H */
