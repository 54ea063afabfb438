/*
 * initlog.c - FR_INIT calls (initlog.h): logged, and replayed by the root,
 * in order, into a restarted FMP before anything else reaches it
 * (restart.c).
 *
 * The root holds the log of every FMP's FR_INIT calls: its own, and a copy
 * of each child's.  A child sends the root each FR_INIT call it made -- the
 * request as sent, the reply, and its descriptors -- (FR_CTL_INIT_COPY)
 * before the call returns to its caller; once the send returns the copy is
 * in the root's socket, where no death of the child can take it back, and
 * the root reads it before it replays anything (restart.c, take_notes).  So
 * a child that died, or restarted, since it made its FR_INIT calls changes
 * nothing: the root replays them all, each FMP's in the order it made them.
 *
 * Exactly once per incarnation of the callee.  Each incarnation of an FMP
 * gets each FR_INIT call once: the first from the program, every later one
 * from the root's replay.  An FR_INIT call that repeats one already logged
 * must therefore not reach its callee again; it is fed the recorded reply,
 * as a replayed call is fed its nested calls (nlog.c):
 *   - within a replay of FR_INIT calls (its call tree is FR_TOP_INIT): the
 *     replayed function, and whatever it calls, make again the FR_INIT
 *     calls they made the first time; one made by this FMP to the same FMP
 *     and function with the same request bytes as a record is that record;
 *   - within a frame replayed into this FMP's next incarnation after a
 *     crash (its caller's in-flight call): one made at the same place of
 *     the call tree as a record of a predecessor is that record.
 * Each FMP keeps the records of its own FR_INIT calls (request and reply),
 * and a restarted child gets its predecessors' from the root before it
 * serves anything (FR_CTL_INIT_RECORD, fr__init_give).
 *
 * Between the reply and the copy.  A callee that dies after it answered
 * leaves the copy on its way: the root waits for it before it replays
 * (calls in flight, below).  A caller that dies there is replayed by its
 * own caller, if it is restartable: its next incarnation makes the call
 * again, fed by the callee's record of it (nlog.h), and copies it then.
 * Only if no one makes it again does the callee's next incarnation come
 * back without it, and the root says so (an orphan, below).
 */
#include "initlog.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include "handle.h"
#include "lthread.h"
#include "nlog.h"
#include "policy.h"
#include "request.h"
#include "supervise.h"
#include "wire.h"

struct init_entry {
    int origin;               /* the FMP that made the call (its group's first) */
    int peer;                 /* the FMP it went to (its group's first) */
    unsigned fn;
    int feedable;             /* its reply holds no descriptor: it can be fed again */
    uint64_t place;           /* where it was made in the call tree; 0: outside any frame */
    unsigned char *req, *rep; /* the request as sent, the reply as taken (malloc) */
    uint64_t req_len, rep_len;
    int *fds;                 /* root: duplicates of its descriptors, for each replay (malloc) */
    unsigned nfds;
    int member;               /* the one member of a sampled group it went to, as it passed
                               * that instance's handles (sample.c); -1: every member */
};

/* The root's holds every FMP's FR_INIT calls; a child's its own and its
 * predecessors' (without descriptors).  Entries are added, never changed
 * nor freed (the process keeps them): one found may be read unlocked. */
static struct {
    pthread_mutex_t lock;
    struct init_entry *e;
    size_t n, cap;
} init_log = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* A copy's or a record's payload: this head, the request, the reply. */
struct init_wire {
    uint64_t place, req_len, rep_len;
    uint32_t peer, fn, feedable, nfds;
    uint32_t id;              /* a copy: the call in flight it ends (below) */
    uint32_t member;          /* init_entry's member + 1: 0, every member */
};

/* FR_CTL_INIT_CALL's payload: an FR_INIT call is about to go. */
struct init_intent {
    uint64_t place;
    uint32_t id, peer, fn, pad;
};

/*
 * FR_INIT calls in flight.  The root must not replay into a restarted FMP
 * before it holds every FR_INIT call that the dead incarnation answered:
 * a caller may have taken the reply just before the death, and not have
 * sent its copy yet.  So the root knows each FR_INIT call in flight (a
 * child tells it before the request goes, FR_CTL_INIT_CALL), and whether
 * it waits for its callee's next incarnation (INIT_WAITING, INIT_RESUMED,
 * from restart.c's replay_allowed); before it replays into FMP k it waits
 * until each call in flight to k is copied, failed or waiting
 * (fr__init_settle).  Once k's channels are wiped (restart.c) no reply of
 * the dead incarnation can be taken any more, so each comes to one of the
 * three soon.
 *
 * A caller that ends during its FR_INIT call may have had it served: the
 * call stays as an orphan until the caller's next incarnation makes it
 * again at the same place (its frame replayed) and copies it.  An orphan
 * still there when its callee restarts is said: the callee comes back
 * without that call, if it had been served.
 */
struct flight {
    int from;                 /* the FMP making it, whose socket tells (0: the root) */
    uint32_t id;              /* its number there */
    int peer;                 /* the FMP it goes to (its group's first) */
    unsigned fn;
    uint64_t place;
    int waiting;              /* its callee died; it waits for the next incarnation */
    int orphan;               /* its maker ended during it */
};
static struct {
    pthread_mutex_t lock;
    struct flight *f;         /* root (malloc) */
    size_t n, cap;
} flights = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* This thread's FR_INIT calls in flight, innermost last (id 0: untold). */
#define INFLIGHT_MAX 8
static __thread struct {
    const struct fr_call *c;
    uint32_t id;
} inflight[INFLIGHT_MAX];
static __thread unsigned ninflight;
static _Atomic uint32_t last_id;

/* A payload whose datagrams are coming in. */
struct partial {
    unsigned char *buf;       /* malloc */
    size_t len, cap;
    int *fds;                 /* malloc */
    size_t nfds, capfds;
    int bad;                  /* too long, malformed or out of memory: dropped at its end */
};
static struct partial *copies;    /* root: per child FMP; supervisor thread only */
static struct partial record;     /* child: from the root; its main thread only */

/* Room for @need elements of @size bytes in the malloc()ed array *@a of
 * *@cap, doubling it from @first: 0 or -ENOMEM (*@a as it was). */
static int room(void *a, size_t *cap, size_t need, size_t size, size_t first)
{
    size_t n = *cap ? *cap : first;
    void *b;

    if (need <= *cap)
        return 0;
    while (n < need)
        n *= 2;
    if (!(b = realloc(*(void **)a, n * size)))
        return -ENOMEM;
    *(void **)a = b;
    *cap = n;
    return 0;
}

/* Add @e, whose memory the log takes; -ENOMEM leaves it to the caller. */
static int add_entry(const struct init_entry *e)
{
    int rc;

    pthread_mutex_lock(&init_log.lock);
    rc = room(&init_log.e, &init_log.cap, init_log.n + 1, sizeof *init_log.e, 16);
    if (rc == 0)
        init_log.e[init_log.n++] = *e;
    pthread_mutex_unlock(&init_log.lock);
    return rc;
}

static void free_entry(struct init_entry *e)
{
    free(e->req);
    free(e->rep);
    while (e->nfds)
        close(e->fds[--e->nfds]);
    free(e->fds);
}

/* Root: FR_INIT call @id of FMP @from to @peer, made at @place, is in
 * flight.  Out of memory it is not waited for (said). */
static void flight_add(int from, uint32_t id, int peer, unsigned fn, uint64_t place)
{
    int rc;

    pthread_mutex_lock(&flights.lock);
    rc = room(&flights.f, &flights.cap, flights.n + 1, sizeof *flights.f, 16);
    if (rc == 0)
        flights.f[flights.n++] = (struct flight){ from, id, peer, fn, place, 0, 0 };
    pthread_mutex_unlock(&flights.lock);
    if (rc < 0)
        fr__log("out of memory: a restart of FMP '%s' will not wait for the copy of a call to "
                "%s() in flight", fr__rt.fmps[peer].name, fr__rt.app->functions[fn].name);
}

/* Root: call @id of FMP @from (not an orphan) now waits for its callee's
 * next incarnation (@waiting 1), goes on (0), or is over (-1). */
static void flight_set(int from, uint32_t id, int waiting)
{
    pthread_mutex_lock(&flights.lock);
    for (size_t i = 0; i < flights.n; i++) {
        struct flight *f = &flights.f[i];
        if (f->from != from || f->id != id || f->orphan)
            continue;
        if (waiting < 0)
            *f = flights.f[--flights.n];
        else
            f->waiting = waiting;
        break;
    }
    pthread_mutex_unlock(&flights.lock);
}

/* Root: FMP @from's call at @place to @peer's @fn has been copied: an
 * orphan of an earlier incarnation of @from that made it is no more. */
static void flights_resolve(int from, uint64_t place, int peer, unsigned fn)
{
    pthread_mutex_lock(&flights.lock);
    for (size_t i = 0; place && i < flights.n; i++) {
        struct flight *f = &flights.f[i];
        if (f->orphan && fr__group_primary(f->from) == fr__group_primary(from) &&
            f->place == place && f->peer == peer && f->fn == fn)
            *f = flights.f[--flights.n], i--;
    }
    pthread_mutex_unlock(&flights.lock);
}

/* Tell what became of FR_INIT call @id of this FMP in flight: the root's
 * own are noted here; a child's go to the root (if it has gone, the
 * program is ending, and nothing is replayed any more). */
static void tell(uint32_t type, uint32_t id)
{
    struct fr_ctl_msg m = { type, (uint32_t)fr__rt.self, id };

    if (!id)
        return;
    if (fr__rt.self == 0)
        flight_set(0, id, type == FR_CTL_INIT_WAITING ? 1 : type == FR_CTL_INIT_RESUMED ? 0 : -1);
    else                      /* a failure: the root has gone, the program is ending */
        (void)send(fr__rt.ctl, &m, sizeof m, MSG_NOSIGNAL);
}

/* @c, an FR_INIT call made at @place, is about to go: its id (0: untold,
 * too many of this thread's nest in each other), on this thread's stack
 * until the call is over. */
static uint32_t set_out(const struct fr_call *c, uint64_t place)
{
    uint32_t id;

    if (ninflight >= INFLIGHT_MAX) {
        ninflight++;
        return 0;
    }
    /* never 0, which is untold */
    while (!(id = atomic_fetch_add(&last_id, 1) + 1))
        ;
    if (fr__rt.self == 0) {
        flight_add(0, id, fr__group_primary(c->peer), c->fn, place);
    } else {
        struct init_intent w = { place, id, (uint32_t)fr__group_primary(c->peer), c->fn, 0 };
        if (fr__ctl_send(fr__rt.ctl, FR_CTL_INIT_CALL, (uint32_t)fr__rt.self, &w, sizeof w, NULL,
                         0) < 0)
            id = 0;           /* the root is gone: nothing will be replayed */
    }
    inflight[ninflight].c = c;
    inflight[ninflight].id = id;
    ninflight++;
    return id;
}

void fr__init_waits(const struct fr_call *c, int waiting)
{
    if (ninflight && ninflight <= INFLIGHT_MAX && inflight[ninflight - 1].c == c)
        tell(waiting ? FR_CTL_INIT_WAITING : FR_CTL_INIT_RESUMED, inflight[ninflight - 1].id);
}

/* Where a call this thread makes now sits in the call tree: the same in a
 * replay of its frame (exchange.c, fr__xchg_place), whichever incarnation
 * makes it.  0 outside of any frame (nothing replays it). */
static uint64_t place_of(const struct fr_lt *lt)
{
    int d = lt->depth;

    if (d <= 0 || d > FR_FRAMES)
        return 0;
    const struct fr_frame_place *pl = &lt->place[d - 1];
    uint64_t p = fr__frame_id(fr__frame_id(pl->parent, pl->nth), lt->nout[d - 1]);
    return p ? p : 1;
}

/* Whether @c repeats an FR_INIT call in the log of this FMP (the header
 * comment says when): then it is answered from there, *@rc its outcome. */
static int fed(struct fr_call *c, struct fr_lt *lt, uint64_t place, const unsigned char *req,
               uint64_t len, int *rc)
{
    const struct fr_function *fs = fr__rt.app->functions;
    int replay = lt->top == FR_TOP_INIT;
    int self = fr__group_primary(fr__rt.self), peer = fr__group_primary(c->peer);
    struct init_entry hit = { 0 };
    int found = 0;

    /* the root has no predecessor whose frames it replays */
    if (!replay && (place == 0 || fr__rt.self == 0))
        return 0;
    pthread_mutex_lock(&init_log.lock);
    for (size_t i = 0; i < init_log.n && !found; i++) {
        const struct init_entry *x = &init_log.e[i];
        found = x->origin == self && x->peer == peer && x->fn == c->fn &&
                (replay || x->place == place) && x->req_len == len &&
                memcmp(x->req, req, len) == 0;
        if (found)
            hit = *x;
    }
    pthread_mutex_unlock(&init_log.lock);
    if (!found) {
        /* nothing silently different: a replay that strays is said */
        if (replay)
            fr__log("a replayed FR_INIT call made an FR_INIT call to %s() that it did not "
                    "make the first time; it goes to FMP '%s'",
                    fs[c->fn].name, fr__rt.fmps[c->peer].name);
        return 0;
    }
    if (!hit.feedable) {
        fr__log("an FR_INIT call to %s() made again in a replay cannot be given its first "
                "reply (it returned a descriptor); it fails", fs[c->fn].name);
        return *rc = c->err = -EXDEV, 1;
    }
    *rc = fr__nlog_reply(c, lt, hit.rep, hit.rep_len, c->eno);   /* errno as it was */
    return 1;
}

/* The payload of @e with @nfds descriptors beside it, ending the call in
 * flight @id (malloc, *@len). */
static unsigned char *pack(const struct init_entry *e, unsigned nfds, uint32_t id, size_t *len)
{
    struct init_wire w = { e->place, e->req_len, e->rep_len, (uint32_t)e->peer, e->fn,
                           (uint32_t)e->feedable, nfds, id, (uint32_t)(e->member + 1) };
    unsigned char *b;

    *len = sizeof w + e->req_len + e->rep_len;
    if (!(b = malloc(*len)))
        return NULL;
    memcpy(b, &w, sizeof w);
    memcpy(b + sizeof w, e->req, e->req_len);
    memcpy(b + sizeof w + e->req_len, e->rep, e->rep_len);
    return b;
}

/* Log @c, an FR_INIT call in flight @id that succeeded, made at @place,
 * its request @req (taken); a child sends the root its copy. */
static void keep(const struct fr_call *c, uint64_t place, uint32_t id, unsigned char *req,
                 uint64_t req_len, int member)
{
    struct init_entry e = { fr__group_primary(fr__rt.self), fr__group_primary(c->peer), c->fn,
                            1, place, req, NULL, req_len, 0, NULL, 0, member };
    int fds[c->nfields ? c->nfields : 1];
    unsigned nfds = 0;
    int copied = 0;

    e.rep_len = c->rp ? (uint64_t)(c->rend - c->rp) : 0;
    if (!req || !(e.rep = malloc(e.rep_len ? e.rep_len : 1)))
        goto oom;
    if (e.rep_len)
        memcpy(e.rep, c->rp, e.rep_len);
    for (struct fr_wire_reader rd = { c->rp, c->rend }; rd.p && rd.p < rd.end;) {
        struct fr_wire_field f;
        if (fr__wire_next(&rd, &f) < 0 || f.kind == FR_W_FD)
            e.feedable = 0;
        if (!e.feedable)
            break;
    }
    for (unsigned i = 0; i < c->nfields; i++)
        if (c->fields[i].kind == FR_W_FD)
            fds[nfds++] = c->fields[i].fd;
    if (fr__rt.self == 0 && nfds) {
        /* A restarted FMP gets what the first incarnation got: its own
         * duplicate of each descriptor, as a logger that keeps its file
         * (FR_FD_KEEP) needs; the log holds one of each for that.  A
         * child's copy brings the root its own (SCM_RIGHTS). */
        if (!(e.fds = malloc(nfds * sizeof *e.fds)))
            goto oom;
        for (; e.nfds < nfds; e.nfds++)
            if ((e.fds[e.nfds] = fcntl(fds[e.nfds], F_DUPFD_CLOEXEC, 3)) < 0) {
                fr__log("cannot keep a descriptor of an FR_INIT call to %s() to replay it: %s",
                        fr__rt.app->functions[c->fn].name, strerror(errno));
                goto drop;
            }
    }
    if (fr__rt.self != 0) {
        size_t len;
        unsigned char *b = pack(&e, nfds, id, &len);
        int rc;
        FR_FAULT_POINT(INIT_COPY);
        /* before the call returns: the root holds it from here on (the
         * message is about this FMP: the callee, the root too, is in it) */
        rc = b ? fr__ctl_send(fr__rt.ctl, FR_CTL_INIT_COPY, (uint32_t)fr__rt.self, b, len, fds,
                              nfds)
               : -ENOMEM;
        free(b);
        if (rc < 0) {
            fr__log("cannot give the root FR_INIT call %s() to replay it: %s",
                    fr__rt.app->functions[c->fn].name, strerror(-rc));
            goto drop;
        }
        copied = 1;           /* the copy ends the call in flight */
    }
    if (add_entry(&e) == 0)
        goto out;
oom:
    fr__log("out of memory: FR_INIT call %s() is not logged, and a restart of FMP '%s' will "
            "not get it", fr__rt.app->functions[c->fn].name, fr__rt.fmps[c->peer].name);
drop:
    free_entry(&e);
out:
    if (!copied)
        tell(FR_CTL_INIT_OVER, id);
}

int fr__init_call(struct fr_call *c, struct fr_lt *lt)
{
    uint64_t place = place_of(lt), len = 0;
    unsigned char *req = fr__wire_encode(c->fields, c->nfields, &len);
    struct fr__field *fields = c->fields;
    unsigned nfields = c->nfields, nfds = 0;
    uint32_t id;
    int rc;

    if (req && fed(c, lt, place, req, len, &rc)) {
        free(req);
        return rc;
    }
    /* one sampled instance's handles: to it alone, logged as its own */
    int member = fr__handle_init_member(c, c->peer);
    if (member == -EXDEV) {
        free(req);
        return member;
    }
    for (unsigned i = 0; i < nfields; i++)
        nfds += fields[i].kind == FR_W_FD;
    /* The request goes as the bytes the log keeps, encoded once, its
     * descriptors beside them (the owner of a handle in it still checks
     * it: the caller's own look finds none in the bytes). */
    struct fr__field raw[1 + nfds];
    if (req) {
        raw[0] = (struct fr__field){ .ptr = req, .len = len, .kind = FR_W_RAW, .fd = -1 };
        for (unsigned i = 0, k = 1; i < nfields; i++)
            if (fields[i].kind == FR_W_FD)
                raw[k++] = (struct fr__field){ .kind = FR_W_FDONLY, .fd = fields[i].fd };
        c->fields = raw;
        c->nfields = 1 + nfds;
    }
    id = set_out(c, place);
    rc = fr__policy_of(c->peer)->call(c, lt, c->peer);
    c->fields = fields;
    c->nfields = nfields;
    ninflight--;
    if (rc == 0) {
        keep(c, place, id, req, len, member);
    } else {
        free(req);
        tell(FR_CTL_INIT_OVER, id);
    }
    return rc;
}

/* ---- the root: the log of every FMP, replayed ----------------------------- */

int fr__init_exists(void)
{
    static _Atomic int known;   /* 0: not looked yet; 1: none; 2: some */
    int k = atomic_load(&known);

    if (!k) {
        k = 1;
        for (unsigned i = 0; i < fr__rt.app->nfunctions && k == 1; i++)
            if (fr__rt.app->functions[i].flags & FR_FN_INIT)
                k = 2;
        atomic_store(&known, k);
    }
    return k == 2;
}

/* Whether entry @e goes to FMP @k: made to its group, and to every member
 * or to @k alone. */
static int for_member(const struct init_entry *e, int k)
{
    return e->peer == fr__group_primary(k) && (e->member < 0 || e->member == k);
}

/* Whether an entry goes to FMP @k (@by 0) or was made by its group (1). */
static int any(int k, int by)
{
    int found = 0;

    pthread_mutex_lock(&init_log.lock);
    for (size_t i = 0; i < init_log.n && !found; i++)
        found = by ? init_log.e[i].origin == fr__group_primary(k) : for_member(&init_log.e[i], k);
    pthread_mutex_unlock(&init_log.lock);
    return found;
}

int fr__init_logged(int peer)
{
    return any(peer, 0);
}

int fr__init_made(int k)
{
    return any(k, 1);
}

/* The entries as they are now (*@copy malloc, *@n of them; their memory
 * stays the log's), or -ENOMEM. */
static int snapshot(struct init_entry **copy, size_t *n)
{
    int rc = 0;

    *copy = NULL;
    pthread_mutex_lock(&init_log.lock);
    *n = init_log.n;
    if (*n && (*copy = malloc(*n * sizeof **copy)))
        memcpy(*copy, init_log.e, *n * sizeof **copy);
    else if (*n)
        rc = -ENOMEM;
    pthread_mutex_unlock(&init_log.lock);
    return rc;
}

/* How long a new incarnation may take to keep the handles of a reply. */
#define HANDLES_MS 10000

/*
 * Before logged call @e is replayed into FMP @peer: tell it the lasting
 * handles of its own that the first reply gave the program (handle.h),
 * and wait until it keeps them, so that the objects the replay makes take
 * them.  0, or a negative errno (it has gone, or did not answer).
 */
static int give_handles(const struct init_entry *e, int peer)
{
    uint64_t v[FR_CTL_CHUNK / sizeof(uint64_t)];
    unsigned n = fr__handle_lasting(e->rep, e->rep_len, peer, v, FR_CTL_CHUNK / sizeof *v);
    int rc;

    if (!n)
        return 0;
    if (n > FR_CTL_CHUNK / sizeof *v) {
        fr__log("FR_INIT call %s() returned %u handles; past the first %zu they fail with "
                "ESTALE after FMP '%s' restarted", fr__rt.app->functions[e->fn].name, n,
                FR_CTL_CHUNK / sizeof *v, fr__rt.fmps[peer].name);
        n = FR_CTL_CHUNK / sizeof *v;
    }
    rc = fr__ctl_send(fr__rt.fmps[peer].ctl, FR_CTL_INIT_HANDLES, (uint32_t)peer, v,
                      n * sizeof *v, NULL, 0);
    return rc < 0 ? rc : fr__ctl_await(peer, FR_CTL_HANDLES_KEPT, HANDLES_MS);
}

/* The replay of @e answered @rep (@len bytes): a setup that is not
 * deterministic is said, once per function.  The program keeps what the
 * first reply gave it; the FMP holds what the replay made. */
static void compare_reply(const struct init_entry *e, int peer, const unsigned char *rep,
                          uint64_t len)
{
    static _Atomic(unsigned char) *said;
    const struct fr_function *f = &fr__rt.app->functions[e->fn];

    struct fr_wire_reader a = { e->rep, e->rep + e->rep_len }, b = { rep, rep + len };
    int same = 1;

    while (same && a.p < a.end && b.p < b.end) {
        struct fr_wire_field fa, fb;
        same = fr__wire_next(&a, &fa) == 0 && fr__wire_next(&b, &fb) == 0 &&
               fa.kind == fb.kind && fa.aux == fb.aux &&
               (fa.kind == FR_W_HANDLE ? fr__handle_alike(fa.len, fb.len)
                                       : fa.len == fb.len && (!fa.data || !fa.len ||
                                                              !memcmp(fa.data, fb.data, fa.len)));
    }
    if (same && a.p == a.end && b.p == b.end)
        return;
    if (!said)
        said = calloc(fr__rt.app->nfunctions, 1);   /* supervisor thread only */
    if (said && atomic_exchange(&said[e->fn], 1))
        return;
    fr__log("FR_INIT call %s() of module '%s', replayed into FMP '%s', answered otherwise than "
            "the first time (its setup is not deterministic): the program keeps what the first "
            "reply gave it, and FMP '%s' holds what the replay made",
            f->name, fr__rt.app->modules[f->module].name, fr__rt.fmps[peer].name,
            fr__rt.fmps[peer].name);
}

/* One logged call @e into FMP @peer, on @lt: one attempt, no log of its
 * nested calls, outside of any call tree (parent 0). */
static int replay_one(const struct init_entry *e, struct fr_lt *lt, int peer)
{
    struct fr_call c;
    struct fr_xchg x;
    int rc = give_handles(e, peer);

    if (rc < 0)
        return rc;
    fr_call_begin(&c, e->fn);
    c.lt = lt;
    /* the logged request, as it was sent; its reply is not needed */
    fr__call_add(&c, FR_W_RAW, e->req, e->req_len, -1);
    for (unsigned k = 0; k < e->nfds; k++)
        fr__call_add(&c, FR_W_FDONLY, NULL, 0, e->fds[k]);
    rc = fr__xchg_open(&x, &c, lt, peer, 0, NULL, NULL);
    if (rc == 0) {
        rc = fr__xchg_attempt(&x);
        if (rc == 0)
            compare_reply(e, peer, c.rp, c.rp ? (uint64_t)(c.rend - c.rp) : 0);
        fr__xchg_close(&x);
    }
    fr__request_free(&c);
    return rc;
}

int fr__init_replay(int peer)
{
    struct init_entry *copy = NULL;
    size_t n = 0, mine = 0;
    int rc = 0;
    struct fr_lt *lt = fr__lt_current(&rc);

    FR_ASSERTF(fr__rt.self == 0, "FMP %d replays FR_INIT calls", fr__rt.self);
    if (!lt)
        return rc;
    /* A copy: a replayed call may call back into this FMP, and log. */
    if (snapshot(&copy, &n) < 0)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++)
        mine += for_member(&copy[i], peer);
    /* the plan pairs the root with every FMP an FR_INIT call can reach */
    FR_ASSERTF(!mine || fr__rt.region_of_fmp[peer] >= 0,
               "FR_INIT calls to FMP %d, with which the root has no region", peer);
    /* Everything the replayed calls make happens in a replay's call tree:
     * FR_INIT calls made in it again are fed, not sent (fed()). */
    uint32_t top = lt->top;
    lt->top = FR_TOP_INIT;
    fr__replaying = 1;
    /* the root's first, then each child FMP's, each in the order made */
    for (int o = 0; mine && o < fr__rt.nfmps && rc == 0; o++)
        for (size_t i = 0; i < n && rc == 0; i++)
            if (copy[i].origin == o && for_member(&copy[i], peer))
                rc = replay_one(&copy[i], lt, peer);
    fr__replaying = 0;
    lt->top = top;
    free(copy);
    return rc < 0 ? rc : (int)mine;
}

/* ---- copies and records: payloads over the control socket ---------------- */

static void partial_reset(struct partial *p)
{
    while (p->nfds)
        close(p->fds[--p->nfds]);
    free(p->buf);
    free(p->fds);
    memset(p, 0, sizeof *p);
}

/* Add datagram @in to @p (its descriptors taken); whether it was the
 * last of its message. */
static int gather(struct partial *p, struct fr_ctl_in *in)
{
    /* the head and two payloads, each within what a call may carry */
    uint64_t max = sizeof(struct init_wire) + 2 * fr__rt.max_payload;

    if (p->bad || p->len + in->len > max ||
        room(&p->buf, &p->cap, p->len + in->len, 1, FR_CTL_CHUNK) < 0 ||
        room(&p->fds, &p->capfds, p->nfds + in->nfds, sizeof *p->fds, FR_CTL_MAXFDS) < 0)
        p->bad = 1;
    if (!p->bad && in->len) {
        memcpy(p->buf + p->len, in->data, in->len);
        p->len += in->len;
    }
    if (!p->bad && in->nfds) {
        memcpy(p->fds + p->nfds, in->fds, in->nfds * sizeof *in->fds);
        p->nfds += in->nfds;
        in->nfds = 0;
    }
    fr__ctl_drop_fds(in);
    return in->m.gen == 0;
}

/* The entry @p holds, checked, made by FMP @origin, and the call in
 * flight it ends (*@id): 0, or -EPROTO (malformed) or -ENOMEM, @p
 * untouched.  Its descriptors are taken. */
static int unpack(struct partial *p, int origin, struct init_entry *e, uint32_t *id)
{
    struct init_wire w;

    if (p->bad || p->len < sizeof w)
        return -EPROTO;
    memcpy(&w, p->buf, sizeof w);
    if (w.req_len > p->len - sizeof w || w.rep_len != p->len - sizeof w - w.req_len ||
        w.nfds != p->nfds || w.fn >= fr__rt.app->nfunctions || w.peer >= (uint32_t)fr__rt.nfmps ||
        w.member > (uint32_t)fr__rt.nfmps ||
        (w.member && fr__group_primary((int)w.member - 1) != (int)w.peer))
        return -EPROTO;
    *e = (struct init_entry){ origin, (int)w.peer, w.fn, w.feedable != 0, w.place, NULL, NULL,
                              w.req_len, w.rep_len, NULL, 0, (int)w.member - 1 };
    e->req = malloc(w.req_len ? w.req_len : 1);
    e->rep = malloc(w.rep_len ? w.rep_len : 1);
    if (!e->req || !e->rep) {
        free(e->req);
        free(e->rep);
        return -ENOMEM;
    }
    memcpy(e->req, p->buf + sizeof w, w.req_len);
    memcpy(e->rep, p->buf + sizeof w + w.req_len, w.rep_len);
    e->fds = p->fds;
    e->nfds = p->nfds;
    p->fds = NULL;
    p->nfds = p->capfds = 0;
    *id = w.id;
    return 0;
}

/* A datagram of an FR_CTL_INIT_COPY from child @from. */
static void copy_in(int from, struct fr_ctl_in *in)
{
    const struct fr_function *fs = fr__rt.app->functions;
    struct init_entry e;
    uint32_t id = 0;
    int rc;

    if (!copies && !(copies = calloc((size_t)fr__rt.nfmps, sizeof *copies))) {
        fr__ctl_drop_fds(in);
        fr__log("out of memory: FMP '%s' gave the root an FR_INIT call that it cannot keep",
                fr__rt.fmps[from].name);
        return;
    }
    if (!gather(&copies[from], in))
        return;
    rc = unpack(&copies[from], fr__group_primary(from), &e, &id);
    /* A child speaks for itself only: an FR_INIT call of a module of the
     * FMP it names, one it has a region with, so that it could make it. */
    if (rc == 0 && (!(fs[e.fn].flags & FR_FN_INIT) || fr__group_primary(e.peer) != e.peer ||
                    (fr__rt.fmp_of_module[fs[e.fn].module] != e.peer &&
                     /* a crowd module runs plain too, in the root or in the
                      * FMP `fmps:` places it in (crowdcall.c) */
                     fr__crowd_plain(fs[e.fn].module) != e.peer) ||
                    !fr__paired(from, e.peer))) {
        free_entry(&e);
        rc = -EPROTO;
    }
    if (rc == 0) {
        flights_resolve(from, e.place, e.peer, e.fn);
        if ((rc = add_entry(&e)) < 0)
            free_entry(&e);
    }
    if (rc == -EPROTO)
        fr__log("FMP '%s' gave the root a malformed copy of an FR_INIT call; it is dropped",
                fr__rt.fmps[from].name);
    else if (rc < 0)
        fr__log("out of memory: FMP '%s' gave the root an FR_INIT call that it cannot keep",
                fr__rt.fmps[from].name);
    /* logged, or said: no restart waits for it any more */
    flight_set(from, id, -1);
    partial_reset(&copies[from]);
}

void fr__init_note(int from, struct fr_ctl_in *in)
{
    const struct fr_ctl_msg *m = &in->m;
    struct init_intent w;

    switch (m->type) {
    case FR_CTL_INIT_COPY:
        copy_in(from, in);
        break;
    case FR_CTL_INIT_CALL:
        /* what it says of a call it makes is checked where it matters:
         * the copy; a wrong peer here delays a restart at worst */
        memcpy(&w, in->data, in->len == sizeof w ? sizeof w : 0);
        if (in->len == sizeof w && w.id && w.peer < (uint32_t)fr__rt.nfmps &&
            w.fn < fr__rt.app->nfunctions)
            flight_add(from, w.id, (int)w.peer, w.fn, w.place);
        break;
    case FR_CTL_INIT_WAITING:
    case FR_CTL_INIT_RESUMED:
    case FR_CTL_INIT_OVER:
        flight_set(from, m->gen, m->type == FR_CTL_INIT_WAITING   ? 1
                                 : m->type == FR_CTL_INIT_RESUMED ? 0
                                                                  : -1);
        break;
    }
}

void fr__init_child_ended(int k)
{
    if (copies && (copies[k].len || copies[k].nfds)) {
        fr__log("FMP '%s' ended while it gave the root a copy of an FR_INIT call", fr__rt.fmps[k].name);
        partial_reset(&copies[k]);
    }
    /* Its calls in flight: one that waited for its callee's next
     * incarnation was not served by any that lives; any other may have
     * been (an orphan, above), once: a replay that died in it again is
     * the same call. */
    pthread_mutex_lock(&flights.lock);
    for (size_t i = 0; i < flights.n; i++) {
        struct flight *f = &flights.f[i];
        int again = 0;
        if (f->from != k || f->orphan)
            continue;
        for (size_t j = 0; j < flights.n && !again; j++)
            again = flights.f[j].orphan && flights.f[j].from == k && f->place &&
                    flights.f[j].place == f->place && flights.f[j].peer == f->peer &&
                    flights.f[j].fn == f->fn;
        if (f->waiting || again)
            *f = flights.f[--flights.n], i--;
        else
            f->orphan = 1;
    }
    pthread_mutex_unlock(&flights.lock);
}

/* How long a restart waits for the calls in flight to its FMP to settle. */
#define SETTLE_MS 5000

void fr__init_settle(int k)
{
    const struct fr_function *fs = fr__rt.app->functions;
    int n = fr__rt.nfmps, to = fr__group_primary(k);
    int64_t end = fr__now_ns() + (int64_t)SETTLE_MS * 1000000;

    for (;;) {
        struct pollfd pfd[n];
        int who[n], np = 0, mine = 0, late = fr__now_ns() >= end;
        uint8_t seen[n];

        memset(seen, 0, sizeof seen);
        pthread_mutex_lock(&flights.lock);
        for (size_t i = 0; i < flights.n; i++) {
            const struct flight *f = &flights.f[i];
            if (f->orphan || f->waiting || f->peer != to)
                continue;
            if (late)
                fr__log("FMP '%s' did not say in %d s what became of its call to %s() "
                        "(FR_INIT): if FMP '%s' served it, its restart comes back without it",
                        fr__rt.fmps[f->from].name, SETTLE_MS / 1000, fs[f->fn].name,
                        fr__rt.fmps[k].name);
            else if (f->from == 0)
                mine = 1;
            else if (!seen[f->from]++)
                who[np++] = f->from;
        }
        pthread_mutex_unlock(&flights.lock);
        if (late || (!np && !mine))
            break;
        for (int i = 0; i < np; i++) {
            struct fr_fmp *f = &fr__rt.fmps[who[i]];
            /* a child that has gone says nothing more */
            if (f->ctl < 0 || atomic_load(&f->gone))
                fr__init_child_ended(who[i]);
            pfd[i] = (struct pollfd){ f->ctl, POLLIN, 0 };
        }
        /* the root's own calls are noted by its threads: look again soon */
        if (poll(pfd, (nfds_t)np, mine ? 1 : 100) <= 0)
            continue;
        for (int i = 0; i < np; i++) {
            ssize_t got = pfd[i].revents ? fr__ctl_take(who[i]) : -EAGAIN;
            if (got == 0 || (got < 0 && got != -EAGAIN))
                fr__init_child_ended(who[i]);   /* it is going: its pidfd tells when */
        }
    }
    /* Said once: each orphan still there is a call to k that no one makes
     * again, and that k's next incarnation does not get. */
    pthread_mutex_lock(&flights.lock);
    for (size_t i = 0; i < flights.n; i++) {
        const struct flight *f = &flights.f[i];
        if (f->orphan && f->peer == to) {
            fr__log("FMP '%s' comes back without the call to %s() (FR_INIT) that FMP '%s' was "
                    "making when it ended, if that call was served: it was not made again",
                    fr__rt.fmps[k].name, fs[f->fn].name, fr__rt.fmps[f->from].name);
            flights.f[i--] = flights.f[--flights.n];
        }
    }
    pthread_mutex_unlock(&flights.lock);
}

int fr__init_give(int k)
{
    struct init_entry *copy = NULL;
    size_t n = 0;
    int rc = 0, given = 0, ctl = fr__rt.fmps[k].ctl;

    if (snapshot(&copy, &n) < 0)
        return -ENOMEM;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t len;
        unsigned char *b;
        if (copy[i].origin != fr__group_primary(k))
            continue;
        /* no descriptors: a child never replays (the root does) */
        if (!(b = pack(&copy[i], 0, 0, &len))) {
            rc = -ENOMEM;
            break;
        }
        rc = fr__ctl_send(ctl, FR_CTL_INIT_RECORD, (uint32_t)k, b, len, NULL, 0);
        free(b);
        given++;
    }
    if (rc == 0)
        rc = fr__ctl_send(ctl, FR_CTL_RECORDS_END, (uint32_t)k, NULL, 0, NULL, 0);
    free(copy);
    return rc < 0 ? rc : given;
}

/* ---- the child: its predecessors' records ---------------------------------- */

void fr__init_record_in(struct fr_ctl_in *in)
{
    struct init_entry e;
    uint32_t id;
    int rc;

    if (!gather(&record, in))
        return;
    /* the root's word: records are this FMP's own calls */
    rc = unpack(&record, fr__group_primary(fr__rt.self), &e, &id);
    if (rc == 0 && (rc = add_entry(&e)) < 0)
        free_entry(&e);
    if (rc < 0)
        fr__log("cannot keep the record of an FR_INIT call an earlier incarnation made (%s): "
                "if it is made again, it is sent again", strerror(-rc));
    partial_reset(&record);
}
