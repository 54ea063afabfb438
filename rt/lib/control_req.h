/*
 * control_req.h - a request to a root's control socket (control_req.c;
 * control.h says the protocol): "v1 ACTION FMP-GLOB [ARG]\n", decoded
 * by the root, written by `fracture ctl`, fuzzed by fuzz_ctl.
 */
#ifndef FR_CONTROL_REQ_H
#define FR_CONTROL_REQ_H

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

#endif /* FR_CONTROL_REQ_H */
