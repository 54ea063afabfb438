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
 * malformed request.
 */
#ifndef FR_CONTROL_H
#define FR_CONTROL_H

#include <stddef.h>
#include <sys/types.h>

#define FR_CONTROL_PREFIX "fracture/"
#define FR_CONTROL_REQ_MAX 256
#define FR_CONTROL_GLOB_MAX 128

enum fr_control_action {
    FR_CONTROL_STATS = 1,
    FR_CONTROL_RESTART,
    FR_CONTROL_STOP,
    FR_CONTROL_SIGNAL,
    FR_CONTROL_ENV_NEXT,
};

struct fr_control_req {
    enum fr_control_action action;
    int signo;                        /* FR_CONTROL_SIGNAL */
    char glob[FR_CONTROL_GLOB_MAX];   /* over FMP names */
};

/*
 * Decode the @len bytes of request @buf (its final newline included).
 * 0 and *out filled, or -EINVAL with @err saying what is wrong in words a
 * user can act on.  Any bytes at all are safe here (fuzz_ctl).
 */
int fr__control_parse(const char *buf, size_t len, struct fr_control_req *out, char *err,
                      size_t errsz);

/* The action's name in a request ("env-next"), or NULL. */
const char *fr__control_action_name(enum fr_control_action a);

/* The socket name of the root @pid of user @uid into @buf (its first byte
 * NUL: abstract); its length, as sockaddr_un's sun_path takes it. */
size_t fr__control_name(char *buf, size_t cap, uid_t uid, pid_t pid);

/*
 * Root: listen on the control socket and serve it on a thread of its own,
 * which sleeps in accept(2): nothing on the call path, no CPU while idle.
 * @config is the deployment file (said by `ps`).  0, or a negative errno
 * (the program runs on without a control socket; the caller says so).
 */
int fr__control_start(const char *config);

#endif /* FR_CONTROL_H */
