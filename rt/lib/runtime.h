/*
 * runtime.h - the state of the runtime in one process (one FMP), shared by
 * the files of rt/lib.  There is one runtime per process: fr__rt.
 *
 * FMP 0 is the root (it holds main); children are 1..nfmps-1.  A process
 * has a region for each peer FMP it may call or be called by; logical
 * thread ids are global: FMP k hands out [k*max_threads, (k+1)*max_threads),
 * and the slot of logical thread t in any region is slot t.
 */
#ifndef FR_RUNTIME_H
#define FR_RUNTIME_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include <fracture/abi.h>

#include "region.h"

/* The rare branch of the call path (replication, sampling). */
#define FR__UNLIKELY(x) __builtin_expect(!!(x), 0)

#define FR_FMP_NAME_MAX 64
#define FR_FRAMES 16            /* nesting depths with a cached request buffer */

struct fr_pending_fd;

/* This process's view of one region. */
struct fr_region {
    int peer;                 /* FMP index of the other side */
    int side;                 /* our side: 0 when our index is the lower */
    void *base;
    int memfd;
    int sock;                 /* SEQPACKET socket for descriptors */
    pthread_mutex_t sock_lock;
    struct fr_pending_fd *pending;  /* descriptors that arrived for other slots */
    _Atomic int failed;       /* the peer broke the protocol: no more calls */
    uint32_t gen_seen;        /* the peer's incarnation this process knows */
    pthread_mutex_t gen_lock; /* guards the move to a new incarnation */
};

/* What the root knows of an FMP (in a child only the names are filled). */
struct fr_fmp {
    char name[FR_FMP_NAME_MAX];
    pid_t pid;
    int pidfd;
    int ctl;                  /* root's end of the control socket */
    _Atomic int gone;
    int status;               /* wait status once gone */
    _Atomic uint32_t incarnation; /* restarts so far: the gen[] of its regions */
    /* Root: what it wrote as this FMP's `gone` and `lost` in every region
     * header of the FMP.  The root reads these, never the headers: the
     * FMP itself can write those (fr__peer_gone). */
    _Atomic uint32_t said_gone, said_lost;
    _Atomic int64_t reaped_ns;    /* root: when its last death was reaped (bench) */
};

/* Root only: one region of any pair, mapped so the supervisor can mark a
 * dead side in regions it is not a party to. */
struct fr_pairmap {
    int a, b;                 /* a < b: a is side 0 */
    void *base;
};

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
    FR_CTL_REPLAYED = 6,      /* child: done; `gen` holds -errno or 0 */
    FR_CTL_RECYCLE = 7,       /* sampled instance: I served my calls, replace me */
    FR_CTL_EXIT = 8,          /* child: a module called exit(`gen`) (program.c) */
};
struct fr_ctl_msg {
    uint32_t type;
    uint32_t fmp;             /* FR_CTL_FAULT: the FMP to stop */
    uint32_t gen;             /* FR_CTL_FAULT: its incarnation that broke */
};

struct fr_rt {
    const struct fr_app *app;
    int active;               /* a config is in force (root or child) */
    int self;                 /* this FMP's index */
    int nfmps;
    struct fr_fmp *fmps;
    int *fmp_of_module;
    int *retries;             /* per FMP: replays of one call after a crash; -1: not restartable */
    int *abort_exhausted;     /* per FMP: on_exhausted: abort */
    struct fr_region *regions;
    int nregions;
    int *region_of_fmp;       /* FMP index -> region index, or -1 */
    struct fr_geom geom;
    unsigned spin_us;
    unsigned serve_spin_us;   /* a worker waiting for a new request (a replica: 0) */
    unsigned max_threads;
    uint64_t max_payload;
    int64_t call_timeout_ns;  /* <= 0: never */
    uint64_t window;          /* payload bytes a slot holds at once */
    struct fr_lt **lts;       /* logical threads seen here, by id */
    pthread_mutex_t lock;
    uint64_t *ids_used;       /* ids of our own range in use */
    struct fr_pairmap *pairs; /* root: every region, to mark a side gone */
    int npairs;
    int ctl;                  /* child: socket to the root; root: -1 */
    pid_t root_pid;
    _Atomic int exiting;
    struct fr_group *groups;  /* replicated and sampled FMPs (group.h) */
    int ngroups;
    int *group_of;            /* per FMP: its group, or -1 */
    uint64_t recycle_after;   /* this FMP, a sampled instance: calls it serves, 0: all */
};

extern struct fr_rt fr__rt;

/*
 * The `gone` and `lost` words of the peer of region r, as this process may
 * believe them.  A header is writable by both parties: the root, the
 * trusted side, decides liveness and blame from its own record (its
 * pidfds and what it wrote), never from a word the peer could forge; a
 * child reads the header, which only the root and that very peer can
 * write (a forger can fail only the calls made to itself).
 */
static inline _Atomic uint32_t *fr__peer_gone(int r)
{
    const struct fr_region *rg = &fr__rt.regions[r];

    if (fr__rt.self == 0)
        return &fr__rt.fmps[rg->peer].said_gone;
    return &((struct fr_region_hdr *)rg->base)->gone[!rg->side];
}

static inline _Atomic uint32_t *fr__peer_lost(int r)
{
    const struct fr_region *rg = &fr__rt.regions[r];

    if (fr__rt.self == 0)
        return &fr__rt.fmps[rg->peer].said_lost;
    return &((struct fr_region_hdr *)rg->base)->lost[!rg->side];
}

/* A logical thread as seen by this FMP: the application thread that made
 * it (in its home FMP) or the worker that serves it (elsewhere). */
struct fr_lt {
    uint32_t id;
    uint32_t *last;           /* per region: seq of the last message either way */
    uint32_t *seen;           /* per region: last seq received on our bell */
    uint8_t *opened;          /* per region: the slot was opened toward the peer */
    struct fr_slot **slot;    /* per region: its slot there, found once (channel.c) */
    void *rbuf;               /* reply buffer (malloc) */
    size_t rcap;
    int depth;                /* nested calls being served on this thread */
    struct fr_frame {         /* request buffer per nesting depth (malloc) */
        void *buf;
        size_t cap;
    } frames[FR_FRAMES];
    int worker;               /* a worker thread serves it */
    int served;               /* its worker has served a call: it spins for the next */
    uint32_t *gen;            /* per region: peer incarnation of last/seen */
    struct fr_asker {         /* per nesting depth served here: who asked */
        int r;
        uint32_t gen;
    } askers[FR_FRAMES];
    int calling[FR_FRAMES];   /* per depth: region of the call in flight from it, -1: none */
    struct fr_frame_place {   /* per depth served here: where its request sits in */
        uint64_t parent;      /* the call tree; the frame's id is made of it */
        uint32_t nth;         /* (fr__frame_id) only when the frame calls out */
    } place[FR_FRAMES];
    uint32_t nout[FR_FRAMES]; /* per depth: outward calls the frame made so far */
    uint8_t cancelled[FR_FRAMES];  /* per depth: an outward call of the frame was
                                    * cancelled (ECANCELED): its result is not one */
    uint64_t req_parent;      /* of the request being sent (fr__chan_send) */
    uint32_t req_nth;
    uint32_t top;             /* the top-level call this thread is in (region.h) */
    uint64_t ncalls;          /* calls this thread made from outside any frame */
    struct fr_qrec *qrec;     /* per region: what a restartable caller's frame made us do */
    struct fr_rep *rep;       /* a replica serving a replicated call (replicate.c) */
};

/* lthread.c */
struct fr_lt *fr__lt_current(int *err);
struct fr_lt *fr__lt_get(uint32_t id);
int fr__acceptor_start(void);   /* shut until fr__acceptor_open */
void fr__acceptor_open(void);

/* channel.c */
struct fr_msg {
    uint16_t kind;
    uint32_t fn;
    int32_t status;
    uint32_t nth;             /* REQ: its place in the call tree (region.h) */
    uint32_t top;
    uint64_t parent;
    unsigned char *data;      /* private copy of the payload */
    uint64_t len;
};
extern __thread int fr__replaying;
/* How long a replaying thread (the supervisor's FR_INIT replay) waits for
 * one step when no call_timeout_ms is set: it must never hang. */
#define FR_REPLAY_TIMEOUT_NS ((int64_t)10 * 1000000000)
int fr__chan_send(struct fr_lt *lt, int r, uint16_t kind, uint32_t fn,
                  int32_t status, const struct fr__field *f, unsigned n);
/* fr__chan_send of @pre, a replica's record (replicate.c), then @f[0..n). */
int fr__chan_send_pre(struct fr_lt *lt, int r, uint16_t kind, uint32_t fn, int32_t status,
                      const struct fr__field *pre, const struct fr__field *f, unsigned n);
/* Either of the two: @pre is NULL on every call but a replicated one. */
static inline int fr__chan_send_after(struct fr_lt *lt, int r, uint16_t kind, uint32_t fn,
                                      int32_t status, const struct fr__field *pre,
                                      const struct fr__field *f, unsigned n)
{
    return FR__UNLIKELY(pre != NULL) ? fr__chan_send_pre(lt, r, kind, fn, status, pre, f, n)
                                     : fr__chan_send(lt, r, kind, fn, status, f, n);
}
int fr__chan_wait(struct fr_lt *lt, int want, int64_t deadline_ns, int *got);
int fr__chan_recv(struct fr_lt *lt, int r, void **buf, size_t *cap, struct fr_msg *m);
int64_t fr__now_ns(void);
uint32_t fr__chan_next_seq(const struct fr_lt *lt, int r);
uint32_t fr__chan_req_seq(struct fr_lt *lt, int r);  /* of a request about to be sent */
int fr__chan_peek_kind(struct fr_lt *lt, int r);
int fr__chan_peer_moved(struct fr_lt *lt, int r);

/* call.c: FR_INIT calls, logged by their caller and replayed, in order,
 * into a restarted FMP before anything else reaches it */
struct fr_call;
void fr__init_log(const struct fr_call *c);
int fr__init_replay(int peer);
int fr__init_logged(int peer);  /* whether this FMP made FR_INIT calls to peer */

/* start.c: (re)starting a child FMP */
struct fr_env;
int fr__spawn(int k, const struct fr_env *env, char *err, size_t errlen);
/* A process for FMP k that maps its regions and waits for GO (its ctl). */
struct fr_proc {
    pid_t pid;
    int pidfd, ctl;
};
int fr__spawn_proc(int k, const struct fr_env *env, struct fr_proc *out, char *err,
                   size_t errlen);
int fr__send_go(int ctl);
int fr__await_ready(int k, char *err, size_t errlen);
const struct fr_config *fr__boot_config(void);
const struct fr_fmp_conf *fr__boot_fmp(int k);

/* standby.c: a warm spare per restartable FMP (root only) */
struct fr_fmp_conf;
const struct fr_env *fr__restart_env(void *ctx, const struct fr_fmp_conf *fc, unsigned n);
void fr__standby_start(int k, unsigned env_index);
void fr__standby_later(int k, unsigned env_index);
int fr__standby_due_ms(void);
void fr__standby_run_due(void);
int fr__standby_take(int k, unsigned env_index);
void fr__standby_drop(int k);
void fr__standby_stop_all(void);

/* restart.c / supervise.c: control messages from child @from (root only) */
void fr__ctl_handle(int from, const struct fr_ctl_msg *m);
void fr__restart_note_init(int from, int peer);

/*
 * Exactly once across a crash (call.c, callee.c): the nested calls a
 * caller serves while it waits for a call to a restartable FMP (callbacks
 * back into it, calls of any module it holds) are logged, request and
 * reply, for as long as the call is in flight.  The log lives with the
 * caller, which survives the callee's crash; when the call is replayed
 * into the restarted FMP, the nested calls the replay makes again are
 * answered from the log in order, without running again, and only those
 * past its end run.  A replayed nested call that differs from the logged
 * one (another function, other argument bytes) fails the call alone.
 */
struct fr_nlog_entry {
    int peer;                 /* FMP that made the nested call */
    uint32_t fn;
    int32_t status;           /* < 0: it was answered with this error */
    int feedable;             /* 0: its reply carried a descriptor: cannot be fed */
    unsigned char *req;       /* request bytes as received (malloc) */
    uint64_t req_len;
    unsigned char *rep;       /* reply bytes as encoded (malloc) */
    uint64_t rep_len;
};
struct fr_nlog {
    struct fr_nlog_entry *e;
    unsigned n, cap;
    unsigned pos;             /* next entry a replay must repeat; == n: record */
    int diverged;             /* a replay strayed from the log: the call fails */
    char what[200];           /* how, for the log line */
};
void fr__nlog_free(struct fr_nlog *log);

/* The callee's half (callee.c): the calls a frame of a restartable caller
 * made to this FMP, kept under the frame's id until another frame of that
 * caller calls on this logical thread; when the caller's next incarnation
 * replays the frame (the same id), it is fed from here. */
struct fr_qframe {
    uint64_t parent;          /* the frame's id */
    uint32_t gen;             /* the caller's incarnation that made the calls */
    struct fr_nlog log;
};
struct fr_qrec {
    uint32_t top;             /* the top-level call they are part of */
    struct fr_qframe *f;      /* every frame of it that called us (malloc) */
    unsigned n, cap;
    uint64_t bytes;           /* request bytes of the frames logged: bounded (callee.c) */
};

/* The id of the frame that serves a request made as the @nth outward call
 * of frame @parent: the same in every incarnation that replays it. */
static inline uint64_t fr__frame_id(uint64_t parent, uint32_t nth)
{
    uint64_t x = parent + 0x9e3779b97f4a7c15ull * ((uint64_t)nth + 1);

    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* callee.c */
int fr__serve_logged(struct fr_lt *lt, int r, struct fr_nlog *log);
static inline int fr__serve(struct fr_lt *lt, int r)
{
    return fr__serve_logged(lt, r, NULL);
}
/* Whether a frame this logical thread serves here was asked by an
 * incarnation that has died since: its work is for nobody (callee.c). */
int fr__lt_orphaned(const struct fr_lt *lt);

/* The decoding half of fr__serve on a request already in memory (@len
 * bytes at @req): @dispatch reads it with fr_arg_* and answers with
 * fr_ret_*, and everything it made is freed.  Its status, as fr__serve
 * would reply it.  For the fuzzer (tests/fuzz/fuzz_request.c): no
 * descriptor may be read (fr_arg_fd needs a region). */
int fr__callee_decode(const unsigned char *req, size_t len, fr_dispatch_fn dispatch);

/*
 * The status of a call whose callee FMP could not start a thread to serve
 * its logical thread (pthread_create failed: no address space left under
 * limits.memory_mb, or no more threads).  The callee's acceptor answers
 * the request with it (fr__serve_refuse); the caller fails that call, and
 * opens its slot again on its next call, which makes the acceptor try
 * again.  An errno the callee never returns otherwise.
 */
#define FR_ENOWORKER ENOSR

/* Take the request waiting on @lt's slot of region @r and answer it with
 * FR_MSG_ERR @status instead of running it.  0 or a negative errno. */
int fr__serve_refuse(struct fr_lt *lt, int r, int status);

/* fdpass.c */
/* Descriptors travel beside a message, tagged (slot, seq of the message,
 * index among its descriptors), over the region's SEQPACKET socket. */
int fr__fd_send(struct fr_region *rg, uint32_t slot, uint32_t seq, uint32_t idx, int fd);
int fr__fd_recv(struct fr_region *rg, uint32_t slot, uint32_t seq, uint32_t idx, int *fd);
void fr__fd_drop_pending(struct fr_region *rg);

/* supervise.c */
void fr__fault(int fmp, uint32_t gen, const char *why);
int fr__supervisor_start(void);
void fr__shutdown(void);
/* Ask every child to exit, wait, kill the rest (supervisor thread, or the
 * exiting thread when there is none). */
void fr__stop_children(void);
void fr__mark_gone(int fmp, int status);
const char *fr__describe_status(int status, char *buf, size_t len);

/* restart.c */
void fr__restart_or_lose(int k, int status);

/* child.c */
FR_NORETURN void fr__child_main(const char *plan);

/* meta.c */
unsigned fr__meta_export(struct fr_meta_ent *out);
unsigned fr__meta_count(void);
void fr__meta_adopt(const struct fr_meta_ent *in, unsigned n);

/* Always-on invariant check: prints where and why, then aborts. */
#define FR_ASSERT(cond)                                                        \
    do {                                                                       \
        if (!(cond))                                                           \
            fr__assert_fail(#cond, __FILE__, __LINE__);                        \
    } while (0)
FR_NORETURN void fr__assert_fail(const char *what, const char *file, int line);

/* Report a runtime problem on stderr: "fracture: <fmp>: msg". */
void fr__log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* FR_RUNTIME_H */
