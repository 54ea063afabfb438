/*
 * profile.h - the profiler's records (`profile:` in a deployment; DESIGN,
 * Profiler): one span per module call in the caller's FMP (its stub, from
 * the call's start to its reply) and one in the callee's (the dispatch of
 * the request), written by profile.c into a bounded shared-memory buffer
 * per FMP that the root creates and reads at exit (profilefile.h writes
 * the Chrome trace-event file from them).  Like the trace's counters
 * (trace.h), a buffer outlives every incarnation of its FMP: the spans of
 * a child that crashed or was restarted are there, up to its last
 * complete one.  A child writes only records; the root checks each one it
 * reads (a record out of range is skipped), so nothing a child wrote can
 * make the root misbehave.
 *
 * A profiled deployment runs the traced call path (trace.h: every module
 * of an FMP is FR_REMOTE_TRACED, a cross-FMP call goes through
 * fr__call_counted), so with `profile:` off nothing here runs and a call
 * costs what it did; the trace's counters are kept too (the root maps
 * their areas), but the trace file is written only with `trace:`.
 *
 * A span's two halves are linked by a key both sides compute from the
 * request's place in the call tree (region.h, fr__frame_id): the callee
 * from the request's header, the caller from its logical thread's
 * counters, read before and after the call.  A call to a replicated or
 * sampled FMP is one request per member (fr__member_call), each placed
 * with the next count: the caller's span holds the range, and links to
 * the serve of every member.  A local call's halves share a key of this
 * FMP's own.
 *
 * When a buffer is full, later spans of its FMP are dropped and counted;
 * the file says how many per FMP.
 */
#ifndef FR_PROFILE_H
#define FR_PROFILE_H

#include <stdatomic.h>
#include <stdint.h>

struct fr_lt;

/* Spans per FMP when `profile: {events: N}` does not say. */
#define FR_PROF_EVENTS_DEFAULT (1u << 18)

/* The kinds of a record. */
enum { FR_PROF_CALL = 1, FR_PROF_SERVE = 2 };

/* How a record's key is made (fr__prof_key_at). */
enum {
    FR_PROF_KEY_ONE = 0,      /* key itself */
    FR_PROF_KEY_TOP = 1,      /* a top-level call's: key ^ n, n in [lo, lo + nkeys) */
    FR_PROF_KEY_NESTED = 2,   /* a frame's outward call: (key, n), n in that range */
};
/* At most this many requests of one call are linked (a group's members,
 * the replays on successors of a sampled instance). */
#define FR_PROF_KEYS_MAX 64

struct fr_prof_key {
    uint64_t key, lo;
    uint16_t nkeys;
    uint8_t mode;
};

/* A record as both sides see it.  `ready` is stored last (release): a
 * record the root finds without it was never finished. */
struct fr_prof_rec {
    _Atomic uint32_t ready;   /* FR_PROF_READY once the rest is written */
    uint8_t kind;             /* FR_PROF_CALL or FR_PROF_SERVE */
    uint8_t local;            /* a call within one FMP (local.h) */
    uint16_t depth;           /* nesting depth of local calls, or the served frame's */
    uint32_t fn;              /* the function called */
    int32_t pid, tid;         /* the process and thread that ran the span */
    int32_t peer;             /* the other side's FMP: callee of a call, caller of a serve */
    uint32_t lt;              /* the logical thread */
    int32_t status;           /* 0, or the call's negative errno */
    int32_t from;             /* a call's caller module (trace.h), -1 for a serve */
    int64_t t0, t1;           /* CLOCK_MONOTONIC ns */
    struct fr_prof_key k;     /* links a call to its serves */
};
#define FR_PROF_READY 0x666f7270u

/* Nonzero while this process profiles. */
extern int fr__prof_on;

/* Root: make a buffer of @events records for each of @nfmps FMPs, map
 * them; this process records into buffer 0.  0 or a negative errno; the
 * buffers live as long as the process. */
int fr__prof_setup(int nfmps, unsigned events);
/* Root: the memfd of FMP @k's buffer, for its (re)starts; -1 without. */
int fr__prof_fd(int k);
/* Child: map the buffer of memfd @fd (its FMP's) and record into it from
 * now on; the descriptor is closed.  0 or a negative errno. */
int fr__prof_attach(int fd);
/* Root: record from now on (fr__prof_setup came first). */
void fr__prof_enable(void);

/* CLOCK_MONOTONIC in ns: the one clock of every FMP's spans. */
int64_t fr__prof_now(void);

/* What fr__prof_call_keys needs of @lt before a cross-FMP call. */
uint64_t fr__prof_counter(const struct fr_lt *lt);
/* The keys of the requests of the cross-FMP call @lt has just made
 * (fr__xchg_place's places of them, which the callees receive), from
 * @before, fr__prof_counter's count before the call. */
struct fr_prof_key fr__prof_call_keys(const struct fr_lt *lt, uint64_t before);
/* The key of the request served at place (@parent, @nth). */
struct fr_prof_key fr__prof_serve_key(uint64_t parent, uint32_t nth);
/* The @i-th key of @k (i < k->nkeys, or 0 for FR_PROF_KEY_ONE). */
uint64_t fr__prof_key_at(const struct fr_prof_key *k, unsigned i);

/* Record a span of @kind (function @fn, peer FMP @peer, keys @k, from
 * @t0 to now).  A full buffer counts it as dropped. */
void fr__prof_span(int kind, int local, unsigned depth, unsigned fn, int peer, uint32_t lt,
                   int status, int from, int64_t t0, const struct fr_prof_key *k);

/* Root: how many buffers there are; the records of FMP @k's buffer that
 * were finished (@n of them at *@recs, a view into the mapping), and how
 * many were dropped.  0, or -ENOENT without a buffer for @k. */
int fr__prof_nbufs(void);
int fr__prof_records(int k, const struct fr_prof_rec **recs, uint64_t *n, uint64_t *dropped);

/* Root (the bench, between rounds): every buffer empty again, as the
 * FMPs stand still between two calls. */
void fr__prof_rewind(void);

/* Record a local call of @fn at local depth @depth by module @from: its
 * caller's span from @t0 and its callee's from @s0, both to now, under a
 * key of their own. */
void fr__prof_local(unsigned depth, unsigned fn, int status, int from, int64_t t0, int64_t s0);

#endif /* FR_PROFILE_H */
