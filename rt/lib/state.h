/*
 * state.h - the state of the runtime in one process (one FMP), shared by
 * the files of rt/lib (state.c holds it).  There is one runtime per process: fr__rt.
 *
 * FMP 0 is the root (it holds main); children are 1..nfmps-1.  A process
 * has a region for each peer FMP it may call or be called by; logical
 * thread ids are global: FMP k hands out [k*max_threads, (k+1)*max_threads),
 * and the slot of logical thread t in any region is slot t.
 */
#ifndef FR_STATE_H
#define FR_STATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include <fracture/abi.h>

#include "log.h"
#include "region.h"

/* The rare branch of the call path (replication, sampling). */
#define FR__UNLIKELY(x) __builtin_expect(!!(x), 0)

#define FR_FMP_NAME_MAX 64
#define FR_FRAMES 16            /* nesting depths with a cached request buffer */

struct fr_pending_fd;
struct fr_policy;

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
    /* Found once (fr__region_cache), read on every call: the peer's
     * incarnation word in the header, the word that says it is gone (the
     * root's own record in the root, the header in a child: fr__peer_gone),
     * and whether the peer restarts (its calls may be replayed). */
    _Atomic uint32_t *peer_gen;
    _Atomic uint32_t *peer_gone;
    int peer_restarts;
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
    _Atomic int64_t noticed_ns;   /* root: when its last death was known (bench) */
};

/* Root only: one region of any pair, mapped so the supervisor can mark a
 * dead side in regions it is not a party to. */
struct fr_pairmap {
    int a, b;                 /* a < b: a is side 0 */
    void *base;
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
    int nospin;               /* under Valgrind: every wait sleeps at once (channel.c) */
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
    const struct fr_policy **policy;  /* per FMP: how calls to it go (policy.h) */
    int ngroups;
    int *group_of;            /* per FMP: its group, or -1 */
    uint64_t recycle_after;   /* this FMP, a sampled instance: calls it serves, 0: all */
};

extern struct fr_rt fr__rt;

/* Hooks (hook.h): per module, whether a hook of this process watches a
 * function of it; whether any hook is in force.  Kept here, at the bottom,
 * because every layer that sets fr__remote[] must keep a hooked module of
 * this FMP on the marshalling path (FR_REMOTE_HOOKED). */
#define FR_REMOTE_HOOKED 3
/* A module of the crowd's twin (group.h) that this FMP does not run as
 * the twin: each call chooses the copy it runs in (crowdcall.c). */
#define FR_REMOTE_CROWD 4
extern unsigned char fr__hooked[FR_MAX_MODULES];
extern _Atomic int fr__hooks_on;
/* The module whose code this thread runs, as far as the runtime follows it
 * (hooked calls, calls served from other FMPs): the caller a hook sees. */
extern __thread int fr__cur_module;

/* A metadata type that travels with module calls is registered in this
 * process (metatype.c): every module of this FMP is called on the local
 * marshalling path (local.c), which propagates the metadata by the rules
 * of a call between FMPs, so that every deployment gives the same values. */
extern _Atomic int fr__meta_local;

/* fr__remote[] of module @m when it runs in this FMP and no trace counts. */
static inline unsigned char fr__remote_here(unsigned m)
{
    return fr__hooked[m] || atomic_load_explicit(&fr__meta_local, memory_order_relaxed)
               ? FR_REMOTE_HOOKED
               : 0;
}

/* Set fr__remote[] of every module of this FMP that no trace counts (0 or
 * FR_REMOTE_HOOKED) by fr__remote_here: the one place hooks and metadata
 * put a module on the local marshalling path or take it off.  Flattens
 * the module table first if need be (the local path reads it).  Nothing
 * before the table is known (fr_main calls it then).  0 or -ENOMEM. */
int fr__remote_local_refresh(void);

/*
 * The module table with its functions in one array (@app->functions): @app
 * itself when it is so already; otherwise a copy that lives as long as the
 * process (the generated table lists pointers).  NULL with errno set when
 * memory runs out.
 */
const struct fr_app *fr__app_flatten(const struct fr_app *app);

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
    return fr__rt.regions[r].peer_gone;
}

/* Fill region @r's words found once (struct fr_region), once its base,
 * side and peer are set and fr__rt.retries and fr__rt.nospin are known;
 * say there whether this side is slow (region.h, `slow`). */
static inline void fr__region_cache(int r)
{
    struct fr_region *rg = &fr__rt.regions[r];
    struct fr_region_hdr *h = rg->base;

    rg->peer_gen = &h->gen[!rg->side];
    rg->peer_gone = fr__rt.self == 0 ? &fr__rt.fmps[rg->peer].said_gone : &h->gone[!rg->side];
    rg->peer_restarts = fr__rt.retries && fr__rt.retries[rg->peer] >= 0;
    if (fr__rt.nospin)
        atomic_store_explicit(&h->slow[rg->side], 1, memory_order_relaxed);
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
    /* A replicated call asks each member in turn, at one place in the call
     * tree (replicate.c): every member numbers its objects from it
     * (handle.h).  place_at: 1 + the depth whose next place is kept
     * (place_kept 0) or given again (1); 0, none. */
    int place_at;
    int place_kept;
    uint64_t kept_parent;
    uint32_t kept_nth;
    uint64_t req_parent;      /* of the request being sent (fr__chan_send) */
    uint32_t req_nth;
    int32_t eno;              /* errno the next request or reply sent carries (region.h) */
    uint32_t top;             /* the top-level call this thread is in (region.h), or
                               * FR_TOP_INIT: a replay of FR_INIT calls (initlog.c) */
    uint64_t ncalls;          /* calls this thread made from outside any frame */
    struct fr_qrec *qrec;     /* per region: what a restartable caller's frame made us do */
    struct fr_rep *rep;       /* a replica serving a replicated call (replicate.c) */
};

/* The call tree of the root's replays of FR_INIT calls, which every
 * request in them carries: never a top-level call's (fr__xchg_place keeps
 * those below it). */
#define FR_TOP_INIT UINT32_MAX

/* The id of the frame that serves a request made as the @nth outward call
 * of frame @parent: the same in every incarnation that replays it. */
static inline uint64_t fr__frame_id(uint64_t parent, uint32_t nth)
{
    uint64_t x = parent + 0x9e3779b97f4a7c15ull * ((uint64_t)nth + 1);

    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

#endif /* FR_STATE_H */
