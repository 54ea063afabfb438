/*
 * initlog.c - FR_INIT calls (initlog.h): each FMP logs the FR_INIT calls it
 * makes, request bytes and a duplicate of each descriptor, and replays
 * them, in order, into a restarted FMP before anything else reaches it:
 * the root's own from the supervisor (restart.c), a child's when the root
 * asks (FR_CTL_REPLAY, child.c).
 */
#include "initlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "ctl.h"
#include "exchange.h"
#include "fault.h"
#include "group.h"
#include "lthread.h"
#include "request.h"
#include "wire.h"

struct init_entry {
    int peer;
    unsigned fn;
    unsigned char *bytes;     /* the encoded request (malloc) */
    uint64_t len;
    int *fds;                 /* duplicates of its descriptors, sent again (malloc) */
    unsigned nfds;
};

static struct {
    pthread_mutex_t lock;
    struct init_entry *e;
    size_t n;
} init_log = { .lock = PTHREAD_MUTEX_INITIALIZER };

void fr__init_log(const struct fr_call *c)
{
    uint64_t len = fr__wire_size(c->fields, c->nfields);
    struct fr_wire_enc enc = { 0, 0 };
    unsigned char *bytes;
    struct init_entry *e;

    int *fds = NULL;
    unsigned nfds = 0;

    /* A restarted FMP gets what the first incarnation got: its own
     * duplicate of each descriptor, as a logger that keeps its file
     * (FR_FD_KEEP) needs; the log holds one of each for that. */
    for (unsigned i = 0; i < c->nfields; i++)
        nfds += c->fields[i].kind == FR_W_FD;
    if (nfds && !(fds = malloc(nfds * sizeof *fds)))
        return;
    nfds = 0;
    for (unsigned i = 0; i < c->nfields; i++) {
        if (c->fields[i].kind != FR_W_FD)
            continue;
        fds[nfds] = fcntl(c->fields[i].fd, F_DUPFD_CLOEXEC, 3);
        if (fds[nfds] < 0) {
            fr__log("cannot keep a descriptor of an FR_INIT call to replay it: %s",
                    strerror(errno));
            while (nfds)
                close(fds[--nfds]);
            free(fds);
            return;
        }
        nfds++;
    }
    bytes = malloc(len ? len : 1);
    if (!bytes) {
        while (nfds)
            close(fds[--nfds]);
        free(fds);
        return;
    }
    fr__wire_fill(c->fields, c->nfields, &enc, bytes, len);
    int first = 1;
    pthread_mutex_lock(&init_log.lock);
    for (size_t i = 0; i < init_log.n; i++)
        first &= init_log.e[i].peer != fr__group_primary(c->peer);
    e = realloc(init_log.e, (init_log.n + 1) * sizeof *e);
    if (e) {
        init_log.e = e;
        e[init_log.n++] = (struct init_entry){ fr__group_primary(c->peer), c->fn, bytes, len,
                                               fds, nfds };
        bytes = NULL;
        fds = NULL;
    }
    pthread_mutex_unlock(&init_log.lock);
    free(bytes);
    while (fds && nfds)
        close(fds[--nfds]);
    free(fds);
    /* A child's log is replayed when the root asks (restart.c): tell it
     * once per peer that there is something to ask for. */
    if (first && e && fr__rt.self != 0) {
        struct fr_ctl_msg m = { FR_CTL_INIT_LOGGED, (uint32_t)fr__group_primary(c->peer), 0, 0 };
        if (send(fr__rt.ctl, &m, sizeof m, MSG_NOSIGNAL) < 0)
            fr__log("cannot tell the root of an FR_INIT call: %s", strerror(errno));
    }
}

int fr__init_logged(int peer)
{
    int found = 0;

    pthread_mutex_lock(&init_log.lock);
    for (size_t i = 0; i < init_log.n && !found; i++)
        found = init_log.e[i].peer == fr__group_primary(peer);
    pthread_mutex_unlock(&init_log.lock);
    return found;
}

int fr__init_replay(int peer)
{
    struct init_entry *copy = NULL;
    size_t n = 0;
    int rc = 0;
    struct fr_lt *lt = fr__lt_current(&rc);

    if (!lt || fr__rt.region_of_fmp[peer] < 0)
        return lt ? -ENOTCONN : rc;
    /* A copy: a replayed init may call back into this FMP, and log. */
    pthread_mutex_lock(&init_log.lock);
    if (init_log.n && (copy = malloc(init_log.n * sizeof *copy))) {
        memcpy(copy, init_log.e, init_log.n * sizeof *copy);
        n = init_log.n;
    }
    pthread_mutex_unlock(&init_log.lock);
    fr__replaying = 1;
    unsigned replayed = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        struct fr_call c;
        /* a member of a group gets the calls made to the group */
        if (copy[i].peer != fr__group_primary(peer))
            continue;
        replayed++;
        FR_FAULT_POINT(INIT_REPLAY);
        fr_call_begin(&c, copy[i].fn);
        c.lt = lt;
        /* the logged request, as it was sent; its reply is not needed */
        fr__call_add(&c, FR_W_RAW, copy[i].bytes, copy[i].len, -1);
        for (unsigned k = 0; k < copy[i].nfds; k++)
            fr__call_add(&c, FR_W_FDONLY, NULL, 0, copy[i].fds[k]);
        /* one attempt, no log, outside of any call tree (parent 0) */
        struct fr_xchg x;
        rc = fr__xchg_open(&x, &c, lt, peer, 0, NULL, NULL);
        if (rc == 0) {
            rc = fr__xchg_attempt(&x);
            fr__xchg_close(&x);
        }
        fr__request_free(&c);   /* the reply is not needed */
    }
    fr__replaying = 0;
    free(copy);
    return rc < 0 ? rc : (int)replayed;
}

