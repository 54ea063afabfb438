/*
 * restart.c - bringing a crashed FMP back (micro-Rx), run by the root's
 * supervisor thread when a child with a `restart:` policy dies.
 *
 * The order is the protocol:
 *   1. the death is marked (supervise.c): `gone`, GONE bits, waiters woken;
 *      callers now wait on the region's incarnation word (fr__restart_call);
 *   2. within the budget (max restarts per window_s), every channel of the
 *      FMP is zeroed and its incarnation number bumped, so that each peer
 *      starts counting afresh the next time it looks (channel.c);
 *   3. the FMP is started again, in the next environment of its micro-Rx
 *      list (an overlay on its env), and waited for;
 *   4. it gets the records of the FR_INIT calls its predecessors made
 *      (initlog.c: so that it does not make them again), and the FR_INIT
 *      calls made to it are replayed, in order, by the root, which holds
 *      them all: its own, then each child FMP's;
 *   5. `gone` is cleared and the incarnation word woken: every caller that
 *      was waiting replays its in-flight call, which copy-by-value-result
 *      left untouched.
 * Beyond the budget the FMP is lost: `lost` is set and callers fail.
 *
 * The caller's half (fr__restart_call): an exchange that fails because
 * the FMP died (or was stopped: a timeout, a broken reply) waits for the
 * next incarnation and is attempted again, with the same place in the call
 * tree and the log of the nested calls it served, so that the replay is
 * fed them instead of making them again (nlog.h).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "restart.h"

#include "channel.h"
#include "config.h"
#include "ctl.h"
#include "exchange.h"
#include "futex.h"
#include "group.h"
#include "handle.h"
#include "initlog.h"
#include "policy.h"
#include "program.h"
#include "spawn.h"
#include "standby.h"
#include "overlay.h"
#include "state.h"
#include "supervise.h"

#define MAX_HISTORY 1024

struct history {
    int64_t when[MAX_HISTORY];    /* restart times, oldest first */
    unsigned n;
    unsigned total;               /* restarts so far, plus environments skipped: picks
                                   * the environment */
    unsigned restarts;            /* restarts so far */
    unsigned skip;                /* `fracture ctl env-next`: environments to skip */
    int env;                      /* the environment of the incarnation now, -1: its own */
};

/* Per FMP, made on first use.  The supervisor thread changes them; the
 * lock is for the control thread's looks (control.c), never on a call's
 * path. */
static struct history *histories;
static pthread_mutex_t history_lock = PTHREAD_MUTEX_INITIALIZER;

/* The history of FMP k, made if need be (history_lock held). */
static struct history *history_of(int k)
{
    if (!histories && (histories = calloc((size_t)fr__rt.nfmps, sizeof *histories)))
        for (int i = 0; i < fr__rt.nfmps; i++)
            histories[i].env = -1;
    return histories ? &histories[k] : NULL;
}

/* ---- the caller's half --------------------------------------------------- */

/*
 * Whether the peer of region r is back from a restart (0), or will not
 * come back (-EPIPE).  Sleeps on the region's incarnation word, which the
 * root bumps and wakes when it restarts the peer.
 *
 * Back means: `gone` is clear (the root clears it only once the new
 * incarnation is up and its FR_INIT calls replayed) and the incarnation
 * the attempt failed on is not one this process stopped (`failed`, set by
 * a timeout or a malformed reply, holds until the incarnation moves).
 * The attempt may have failed on the new incarnation itself, seen before
 * it was ready: then the word never moves again, and `gone` alone tells.
 */
static int wait_back(int r, uint32_t failed_gen)
{
    struct fr_region *rg = &fr__rt.regions[r];
    int64_t give_up = fr__now_ns() + (int64_t)120 * 1000000000;

    while (fr__now_ns() < give_up) {
        /* Asleep on every word the answer reads (set_side wakes each as
         * it writes it): on peer_gen alone, a waiter that read `gone` set
         * just before the root cleared it slept until the timeout. */
        _Atomic uint32_t *const words[] = { rg->peer_gen, fr__peer_gone(r), fr__peer_lost(r) };
        uint32_t seen[] = { atomic_load(words[0]), atomic_load(words[1]), atomic_load(words[2]) };
        if (seen[2])
            return -EPIPE;
        if (!seen[1] && (seen[0] != failed_gen || !atomic_load(&rg->failed)))
            return 0;
        fr__futex_wait_any(words, seen, 3, 100 * 1000000);
    }
    return -EPIPE;
}

/* A failed attempt against a restartable FMP: whether to try again. */
static int replay_allowed(struct fr_call *c, int r, uint32_t failed_gen, int *replays)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];
    int max = fr__rt.retries[c->peer];

    if (fr__replaying || max < 0 ||
        (c->err != -EPIPE && c->err != -ETIMEDOUT && c->err != -EPROTO))
        return 0;
    if (*replays >= max) {
        fr__log("call to %s() ended FMP '%s' %d times; it fails alone", f->name,
                fr__rt.fmps[c->peer].name, *replays + 1);
        return 0;
    }
    /* an FR_INIT call waiting is not one the dead incarnation answered:
     * the restart need not wait for its copy (initlog.c, in flight) */
    fr__init_waits(c, 1);
    if (wait_back(r, failed_gen) < 0)
        return 0;
    fr__init_waits(c, 0);
    ++*replays;
    return 1;
}

/* An empty log of nested calls.  Field by field: `what` (200 bytes) is
 * written only on a divergence, and zeroing it would cost every call. */
static inline void log_init(struct fr_nlog *log)
{
    log->e = NULL;
    log->n = log->cap = log->pos = 0;
    log->diverged = 0;
}

/* The attempts of the open, placed exchange @x, whose log (if any) is
 * @log, until one succeeds or may not be replayed. */
static int restart_run(struct fr_xchg *x, struct fr_nlog *log,
                       int (*elsewhere)(struct fr_call *c, int *peer))
{
    struct fr_call *c = x->c;
    int rc, replays = 0;

    /* Copy-by-value-result makes a call replayable as it is: the caller's
     * arguments are untouched until a reply is accepted. */
    for (;;) {
        log->pos = 0;          /* a replay repeats the log from its start */
        /* a handle of an incarnation that died never reaches its successor */
        if (FR__UNLIKELY(c->nhandles != 0) &&
            (rc = fr__handle_check(c, c->peer, fr__xchg_peer_gen(x->r))) < 0) {
            c->err = rc;
            break;
        }
        rc = fr__xchg_attempt(x);
        if (rc == 0)
            break;
        if (!replay_allowed(c, x->r, x->gen, &replays)) {
            int to;
            if (elsewhere && elsewhere(c, &to)) {
                fr__xchg_retarget(x, to);
                replays = 0;
                continue;
            }
            break;
        }
    }
    /* a replay is fed at most what the log holds */
    FR_ASSERTF(log->pos <= log->n, "replay fed %u of %u logged nested calls", log->pos, log->n);
    fr__xchg_close(x);
    if (log->e)
        fr__nlog_free(log);
    if (rc < 0)
        fr__program_park_if_exiting();   /* the callee went with the program */
    return rc;
}

int fr__restart_call(struct fr_call *c, struct fr_lt *lt, int peer, int mode,
                     const struct fr__field *pre, int (*elsewhere)(struct fr_call *c, int *peer))
{
    struct fr_nlog log;
    struct fr_xchg x;
    int rc;

    log_init(&log);
    /* A call that may be replayed logs the nested calls it serves, so that
     * the replay is fed them instead of making them again (nlog.h). */
    rc = fr__xchg_open(&x, c, lt, peer, mode, pre, mode == 0 && !fr__replaying ? &log : NULL);
    if (rc < 0)
        return rc;
    fr__xchg_place(&x);
    return restart_run(&x, &log, elsewhere);
}

/* The fast path's exchange (policy.h): a plain call (mode 0), never a
 * replay's, so it logs. */
static int restart_resume(struct fr_xchg *x)
{
    struct fr_nlog log;

    log_init(&log);
    x->log = &log;
    return restart_run(x, &log, NULL);
}

static int restart_call(struct fr_call *c, struct fr_lt *lt, int peer)
{
    return fr__restart_call(c, lt, peer, 0, NULL, NULL);
}

/* ---- the root's half ------------------------------------------------------ */

/* Every region of FMP k: zero its channels, bump its incarnation. */
static void reset_channels(int k)
{
    const struct fr_geom *g = &fr__rt.geom;

    /* step 1 before step 2: a peer that sees zeroed slots knows it died */
    FR_ASSERT(atomic_load(&fr__rt.fmps[k].gone));

    for (int p = 0; p < fr__rt.npairs; p++) {
        struct fr_pairmap *pm = &fr__rt.pairs[p];
        if (pm->a != k && pm->b != k)
            continue;
        int side = pm->a == k ? 0 : 1;
        struct fr_region_hdr *h = pm->base;
        _Atomic uint64_t *open_k = fr__region_open(pm->base, g, side);
        _Atomic uint64_t *open_o = fr__region_open(pm->base, g, !side);
        for (uint32_t i = 0; i < g->nslots; i++) {
            uint64_t bit = (uint64_t)1 << (i % 64);
            if (!(atomic_load(&open_k[i / 64]) & bit) && !(atomic_load(&open_o[i / 64]) & bit))
                continue;
            struct fr_slot *s = fr__slot(pm->base, g, i);
            for (int d = 0; d < 2; d++) {
                atomic_store(&s->to[d].bell, 0);
                /* Only the dead side's own flag: the survivor's says it
                 * sleeps (or is about to) on its bell, and a post of the
                 * new incarnation must wake it; cleared, a survivor between
                 * announcing its sleep and FUTEX_WAIT would sleep on the
                 * zeroed bell, and the first post would not wake it. */
                if (d == side)
                    atomic_store(&s->to[d].sleeping, 0);
                memset(&s->to[d].hdr, 0, sizeof s->to[d].hdr);
                fr__futex_wake(&s->to[d].bell, INT_MAX);
            }
        }
        /* open_k stays: the new incarnation starts a worker for every
         * logical thread that spoke to its predecessor as soon as it gets
         * GO, before the replayed calls arrive. */
        atomic_fetch_add(&h->gen[side], 1);
        fr__futex_wake(&h->gen[side], INT_MAX);
    }
    atomic_fetch_add(&fr__rt.fmps[k].incarnation, 1);
}

/* Set or clear a per-side word of every region of FMP k, and wake. */
static void set_side(int k, int which, uint32_t v)
{
    /* The root's own copy first (fr__peer_gone): its callers act on it,
     * and a waiter woken by a header below finds it already changed. */
    _Atomic uint32_t *own = which ? &fr__rt.fmps[k].said_lost : &fr__rt.fmps[k].said_gone;

    atomic_store(own, v);
    fr__futex_wake(own, INT_MAX);
    for (int p = 0; p < fr__rt.npairs; p++) {
        struct fr_pairmap *pm = &fr__rt.pairs[p];
        if (pm->a != k && pm->b != k)
            continue;
        int side = pm->a == k ? 0 : 1;
        struct fr_region_hdr *h = pm->base;
        _Atomic uint32_t *w = which ? &h->lost[side] : &h->gone[side];
        atomic_store(w, v);
        fr__futex_wake(w, INT_MAX);
        fr__futex_wake(&h->gen[side], INT_MAX);   /* waiters on the generation alone */
    }
}

void fr__lose(int k, const char *why)
{
    fr__standby_drop(k);
    set_side(k, 1, 1);
    fr__log("FMP '%s' will not be restarted: %s", fr__rt.fmps[k].name, why);
}

/* Steps 2 of the protocol: fresh channels, the dead one's descriptors closed. */
static void clear_for_new(int k)
{
    reset_channels(k);
    if (fr__rt.fmps[k].pidfd >= 0)
        close(fr__rt.fmps[k].pidfd);
    if (fr__rt.fmps[k].ctl >= 0)
        close(fr__rt.fmps[k].ctl);
    fr__rt.fmps[k].pidfd = fr__rt.fmps[k].ctl = -1;
}

static int bring_up(int k, int warm, char *err, size_t errsz);

/* Whether FMP k's next incarnation would carry an earlier one's handle
 * tag (handle.h): then it does not start (@why says so). */
static int tag_wraps(int k, char *why, size_t whysz)
{
    uint32_t next = atomic_load(&fr__rt.fmps[k].incarnation) + 1, p = fr__handle_period(k);

    if (!fr__handle_wraps(k, next))
        return 0;
    snprintf(why, whysz, "its handles' tags tell %u incarnations apart, and incarnation %u "
             "would carry the tag of incarnation %u, whose handles could then pass as live",
             p, next, next - p);
    return 1;
}

/*
 * FMP k again, outside of any restart budget (a recycled sampled
 * instance, sample.c): steps 2 to 5 of the protocol in @env.  0, or -1
 * with @err set; nothing of the new process is left on failure.
 */
int fr__reincarnate(int k, const struct fr_env *env, char *err, size_t errsz)
{
    if (tag_wraps(k, err, errsz))
        return -1;
    clear_for_new(k);
    if (fr__spawn(k, env, err, errsz) < 0 || bring_up(k, 0, err, errsz) < 0)
        return -1;
    set_side(k, 0, 0);
    return 0;
}

/*
 * One restart within the budget: the next environment, fresh channels, a
 * new process, its FR_INIT calls.  Returns 0, or -1 with @err set when the
 * new incarnation did not come up.
 */
static int restart_once(int k, const struct fr_fmp_conf *fc, struct history *hist,
                        char *err, size_t errsz)
{
    int rc;

    pthread_mutex_lock(&history_lock);
    hist->total += hist->skip;    /* a skipped environment is never started */
    hist->skip = 0;
    unsigned n = hist->total++;
    hist->restarts++;
    size_t nenv = fc->restart.nenvironments;
    hist->env = nenv ? (int)(n < nenv ? n : nenv - 1) : -1;
    pthread_mutex_unlock(&history_lock);

    clear_for_new(k);
    /* The warm spare, started in this very environment, if it is there;
     * otherwise a cold start. */
    int warm = fr__standby_take(k, n) == 0;
    if (!warm) {
        void *tmp = talloc_new(NULL);
        const struct fr_env *env =
            fr__restart_env(tmp, fr__member_env(tmp, fc, k), fc, n);
        rc = tmp && (env || !fc->restart.nenvironments) ? fr__spawn(k, env, err, errsz) : -ENOMEM;
        talloc_free(tmp);
        if (rc < 0)
            return -1;
    }
    return bring_up(k, warm, err, errsz);
}

/*
 * The copies of FR_INIT calls (FR_CTL_INIT_COPY) that children sent before
 * FMP k died may still wait in their control sockets: the supervisor
 * handles a death before the messages of the FMPs after it in its poll
 * set.  They are taken first, so that every FR_INIT call made to k is
 * replayed (without, a child's call made just before k's crash was not:
 * recover-child printed sum 42 in 5 runs of 100 under ASan).  Those of a
 * child that has died were taken when it was reaped (supervise.c).
 */
static void take_notes(int k)
{
    for (int c = 1; c < fr__rt.nfmps; c++)
        if (c != k && !atomic_load(&fr__rt.fmps[c].gone))
            fr__ctl_drain(c);
}

/* How long a new incarnation may take to keep its records. */
#define RECORDS_MS 10000

/*
 * Give FMP k's new incarnation the records of the FR_INIT calls its
 * predecessors made (initlog.c), and wait until it says it keeps them:
 * before anything reaches it, so that none of them is made again.  0, or
 * a negative errno with @err set.
 */
static int give_records(int k, char *err, size_t errsz)
{
    int rc = fr__init_give(k);

    if (rc < 0) {
        snprintf(err, errsz, "giving it the records of its FR_INIT calls failed (%s)",
                 strerror(-rc));
        return rc;
    }
    rc = fr__ctl_await(k, FR_CTL_RECORDS_KEPT, RECORDS_MS);
    if (rc == -ETIMEDOUT)
        snprintf(err, errsz, "it did not keep the records of its FR_INIT calls within %d s",
                 RECORDS_MS / 1000);
    else if (rc < 0)
        snprintf(err, errsz, "it ended while it took the records of its FR_INIT calls");
    return rc;
}

/* Steps 3 (the wait) and 4 for a process just started for FMP k. */
static int bring_up(int k, int warm, char *err, size_t errsz)
{
    int init = fr__init_exists();

    if (init) {
        take_notes(k);
        fr__init_settle(k);
    }
    int records = init && fr__init_made(k), replays = init && fr__init_logged(k);
    /* A warm spare that has nothing replayed into it first is not waited
     * for: it has execed and mapped its regions long ago, GO releases its
     * workers, and the calls replayed now wait in their slots for them.
     * Its READY is read later by the supervisor's loop, which ignores it;
     * should it die instead, the supervisor sees that as any crash. */
    if (warm && !records && !replays) {
        atomic_store(&fr__rt.fmps[k].gone, 0);
        return 0;
    }
    int rc = fr__await_ready(k, err, errsz);

    if (rc == -ECHILD)
        return -1;            /* it died, and was reaped */
    if (rc == 0 && records)
        rc = give_records(k, err, errsz);
    if (rc == 0) {
        atomic_store(&fr__rt.fmps[k].gone, 0);
        rc = init ? fr__init_replay(k) : 0;
        if (rc >= 0)
            return 0;
        if (rc == -EPIPE)
            snprintf(err, errsz, "it ended while its FR_INIT calls were replayed");
        else
            snprintf(err, errsz, "replaying its FR_INIT calls failed (%s)", strerror(-rc));
    }
    /* Alive but of no use: end it here, the supervisor never saw it.  Its
     * end is marked as any other (`died`: calls it made while its FR_INIT
     * calls were replayed are orphaned, callee.c). */
    atomic_store(&fr__rt.fmps[k].gone, 1);
    kill(fr__rt.fmps[k].pid, SIGKILL);
    int status = 0;
    while (waitpid(fr__rt.fmps[k].pid, &status, 0) < 0 && errno == EINTR)
        ;
    fr__mark_gone(k, status);
    return -1;
}

/* Whether the budget allows one more restart now; records it if so. */
static int budget_allows(const struct fr_fmp_conf *fc, struct history *hist, char *why,
                         size_t whysz)
{
    int64_t now = fr__now_ns();
    int64_t window = (int64_t)fc->restart.window_s * 1000000000;
    unsigned keep = 0;

    /* Forget restarts older than the window. */
    for (unsigned i = 0; i < hist->n; i++)
        if (now - hist->when[i] < window)
            hist->when[keep++] = hist->when[i];
    hist->n = keep;
    if (hist->n >= fc->restart.max || hist->n >= MAX_HISTORY) {
        snprintf(why, whysz, "%u restarts within %u s (restart.max)", hist->n,
                 fc->restart.window_s);
        return 0;
    }
    hist->when[hist->n++] = now;
    return 1;
}

/* A new incarnation that dies before it is ready is restarted again, in
 * the next environment, at most this many times in a row. */
#define MAX_EARLY_DEATHS 3

void fr__restart_or_lose(int k, int status)
{
    const struct fr_fmp_conf *fc = fr__boot_fmp(k);
    struct history *hist;
    char err[512], why[600];

    (void)status;
    if (!fc || !fc->restart.present) {
        fr__lose(k, "it has no restart: policy");
        return;
    }
    pthread_mutex_lock(&history_lock);
    hist = history_of(k);
    pthread_mutex_unlock(&history_lock);
    if (!hist) {
        fr__lose(k, "out of memory");
        return;
    }
    for (int early = 0;; early++) {
        pthread_mutex_lock(&history_lock);
        int allowed = budget_allows(fc, hist, why, sizeof why);
        pthread_mutex_unlock(&history_lock);
        if (!allowed || tag_wraps(k, why, sizeof why)) {
            fr__lose(k, why);
            return;
        }
        if (restart_once(k, fc, hist, err, sizeof err) == 0)
            break;
        if (early + 1 >= MAX_EARLY_DEATHS) {
            snprintf(why, sizeof why, "its restart failed %d times in a row: %s",
                     MAX_EARLY_DEATHS, err);
            fr__lose(k, why);
            return;
        }
        fr__log("FMP '%s': its restart failed (%s); trying again", fr__rt.fmps[k].name, err);
    }
    FR_ASSERT(!atomic_load(&fr__rt.fmps[k].gone));   /* up, FR_INIT calls replayed */
    set_side(k, 0, 0);        /* in-flight calls replay now */
    fr__log("FMP '%s' restarted as pid %d (%u of %u in %u s%s)", fr__rt.fmps[k].name,
            (int)fr__rt.fmps[k].pid, hist->n, fc->restart.max, fc->restart.window_s,
            fc->restart.nenvironments ? ", next micro-Rx environment" : "");
    fr__standby_later(k, hist->total);   /* for the next one, once the replays are done */
}

/* The restarts within the window now of @hist (history_lock held). */
static unsigned in_window(const struct fr_fmp_conf *fc, const struct history *hist)
{
    int64_t now = fr__now_ns(), window = (int64_t)fc->restart.window_s * 1000000000;
    unsigned n = 0;

    for (unsigned i = 0; i < hist->n; i++)
        n += now - hist->when[i] < window;
    return n;
}

int fr__restart_view(int k, struct fr_restart_view *v)
{
    const struct fr_fmp_conf *fc = fr__boot_fmp(k);

    memset(v, 0, sizeof *v);
    v->env = -1;
    if (!fc || !fc->restart.present)
        return -ENOENT;
    v->max = fc->restart.max;
    v->window_s = fc->restart.window_s;
    v->nenvs = (unsigned)fc->restart.nenvironments;
    pthread_mutex_lock(&history_lock);
    struct history *hist = history_of(k);
    if (hist) {
        v->restarts = hist->restarts;
        v->in_window = in_window(fc, hist);
        v->env = hist->env;
        v->env_next = hist->total + hist->skip;
    }
    pthread_mutex_unlock(&history_lock);
    if (v->nenvs && v->env_next >= v->nenvs)
        v->env_next = v->nenvs - 1;   /* the last one sticks */
    return hist ? 0 : -ENOMEM;
}

int fr__restart_env_next(int k)
{
    const struct fr_fmp_conf *fc = fr__boot_fmp(k);
    int rc = 0;

    if (!fc || !fc->restart.present)
        return -ENOENT;
    if (!fc->restart.nenvironments)
        return -ENODATA;
    pthread_mutex_lock(&history_lock);
    struct history *hist = history_of(k);
    if (!hist)
        rc = -ENOMEM;
    else if (hist->total + hist->skip >= fc->restart.nenvironments - 1)
        rc = -ERANGE;         /* at the last one already */
    else
        hist->skip++;
    pthread_mutex_unlock(&history_lock);
    return rc;
}

const struct fr_policy fr__restart_policy = { "restart", restart_call, fr__restart_or_lose,
                                                restart_resume };
