/*
 * lthread.c - logical threads: every application thread that calls into
 * another FMP becomes a logical thread that follows its calls.  In its home
 * FMP the application thread itself waits for replies (and runs the nested
 * calls made back into its FMP meanwhile); in every other FMP one worker
 * thread of its own serves it, so a callee sees one thread per caller
 * thread, as in the unfractured program.
 *
 * The acceptor thread of each FMP sleeps on the accept bells of its
 * regions and starts a worker the first time a logical thread that is not
 * native here opens a slot toward this FMP.  Workers live as long as the
 * process: ids are reused by later threads of the home FMP, and so are
 * their workers.
 *
 * A warm spare (standby.c) makes, while it waits, a worker for every
 * logical thread that spoke to the incarnation it will replace; they wait
 * at the gate with the acceptor, so that the calls replayed into it after
 * a crash find their workers already there, not a pthread_create each.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "deathwatch.h"
#include "fault.h"
#include "futex.h"
#include "lthread.h"

#include "callee.h"
#include "channel.h"
#include "exchange.h"
#include "state.h"
#include "supervise.h"

static __thread struct fr_lt *tl_lt;
static pthread_key_t id_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* Signalled (under fr__rt.lock) when an id is handed back. */
static pthread_cond_t id_freed = PTHREAD_COND_INITIALIZER;

/* Ids of the home FMP are handed back when their thread exits. */
static void release_id(void *p)
{
    uint32_t local = (uint32_t)(uintptr_t)p - 1;

    pthread_mutex_lock(&fr__rt.lock);
    fr__rt.ids_used[local / 64] &= ~((uint64_t)1 << (local % 64));
    pthread_cond_signal(&id_freed);
    pthread_mutex_unlock(&fr__rt.lock);
}

static void make_key(void)
{
    pthread_key_create(&id_key, release_id);
}

struct fr_lt *fr__lt_get(uint32_t id)
{
    struct fr_lt *lt;
    int n = fr__rt.nregions;

    pthread_mutex_lock(&fr__rt.lock);
    lt = fr__rt.lts[id];
    if (!lt) {
        /* calloc, not talloc: state that lives as long as the process must
         * not show up as "possibly lost" in a Valgrind report of the app. */
        lt = calloc(1, sizeof *lt);
        if (lt) {
            lt->id = id;
            lt->last = calloc(n ? n : 1, sizeof *lt->last);
            lt->seen = calloc(n ? n : 1, sizeof *lt->seen);
            lt->opened = calloc(n ? n : 1, sizeof *lt->opened);
            lt->gen = calloc(n ? n : 1, sizeof *lt->gen);
            lt->slot = calloc(n ? n : 1, sizeof *lt->slot);
            if (!lt->last || !lt->seen || !lt->opened || !lt->gen || !lt->slot) {
                free(lt->slot);
                free(lt->gen);
                free(lt->last);
                free(lt->seen);
                free(lt->opened);
                free(lt);
                lt = NULL;
            } else {
                /* the regions are mapped for the life of the process */
                for (int r = 0; r < n; r++) {
                    FR_ASSERT(fr__rt.regions[r].base != NULL);
                    lt->slot[r] = fr__slot(fr__rt.regions[r].base, &fr__rt.geom, id);
                }
                for (int d = 0; d < FR_FRAMES; d++) {
                    lt->askers[d].r = -1;
                    lt->calling[d] = -1;
                }
                fr__rt.lts[id] = lt;
            }
        }
    }
    pthread_mutex_unlock(&fr__rt.lock);
    return lt;
}

struct fr_lt *fr__lt_current(int *err)
{
    uint32_t local;

    if (FR_LIKELY(tl_lt != NULL))
        return tl_lt;
    fr__deathwatch_enlist();  /* before it touches a slot: its death is seen */
    pthread_once(&key_once, make_key);
    pthread_mutex_lock(&fr__rt.lock);
    /* More application threads than max_threads calling out at once: this
     * one waits until a thread that holds an id exits, as a thread waits
     * for a lock, rather than failing a call the plain program makes.
     * Said once, since a program whose threads never exit would wait for
     * good: the fix is a larger max_threads. */
    for (;;) {
        static int said;
        for (local = 0; local < fr__rt.max_threads; local++)
            if (!(fr__rt.ids_used[local / 64] & ((uint64_t)1 << (local % 64))))
                break;
        if (local < fr__rt.max_threads)
            break;
        if (!said++)
            fr__log("more than max_threads (%u) threads of FMP '%s' call other FMPs at once: "
                    "the others wait until one of them exits (raise defaults.max_threads)",
                    fr__rt.max_threads, fr__rt.fmps[fr__rt.self].name);
        pthread_cond_wait(&id_freed, &fr__rt.lock);
    }
    fr__rt.ids_used[local / 64] |= (uint64_t)1 << (local % 64);
    pthread_mutex_unlock(&fr__rt.lock);

    tl_lt = fr__lt_get((uint32_t)fr__rt.self * fr__rt.max_threads + local);
    if (!tl_lt) {
        release_id((void *)(uintptr_t)(local + 1));
        *err = -ENOMEM;
        return NULL;
    }
    pthread_setspecific(id_key, (void *)(uintptr_t)(local + 1));
    return tl_lt;
}

/* Shut until fr__acceptor_open: a warm spare must not take the live
 * incarnation's threads (standby.c). */
static _Atomic uint32_t accept_gate;

static void gate_wait(void)
{
    _Atomic uint32_t *g = &accept_gate;
    uint32_t zero = 0;

    while (!atomic_load(&accept_gate))
        fr__futex_wait_any(&g, &zero, 1, -1);
    fr__thread_name();        /* made before GO: "fr-standby" until now */
}

void fr__thread_name(void)
{
    char name[16];

    snprintf(name, sizeof name, "fr:%.12s", fr__rt.fmps[fr__rt.self].name);
    prctl(PR_SET_NAME, name);
}

void fr__acceptor_open(void)
{
    atomic_store(&accept_gate, 1);
    fr__futex_wake(&accept_gate, INT_MAX);   /* the acceptor and the spare's workers */
}

/* A worker: serve its logical thread's calls for the life of the process. */
static void *worker_main(void *arg)
{
    struct fr_lt *lt = arg;
    sigset_t all;

    fr__deathwatch_enlist();
    /* Signals are for the application's own threads. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    /* a spare's worker, made ahead: nothing of the slots is its yet */
    gate_wait();
    tl_lt = lt;
    for (;;)
        fr__xchg_serve_next(lt);
    return NULL;
}

/*
 * A parked thread: created ahead of need, it waits until the acceptor
 * hands it a logical thread, so that the first call of a logical thread
 * (after a restart: the replayed call) does not wait for pthread_create.
 * Each parked thread has its own handoff block, which it frees.
 */
/* go: PARK_WORK once it has a logical thread to serve; PARK_NAME when GO
 * came and it should take the FMP's name and wait on. */
#define PARK_WORK 1u
#define PARK_NAME 2u
struct park {
    _Atomic uint32_t go;
    struct fr_lt *lt;
};

static struct park *parked;   /* the acceptor's, or NULL */

static void *parked_main(void *arg)
{
    struct park *p = arg;
    _Atomic uint32_t *w = &p->go;
    uint32_t v;
    struct fr_lt *lt;

    fr__deathwatch_enlist();
    while (!((v = atomic_load_explicit(&p->go, memory_order_acquire)) & PARK_WORK)) {
        if (v & PARK_NAME) {
            fr__thread_name();
            v = atomic_fetch_and(&p->go, ~PARK_NAME) & ~PARK_NAME;
            continue;
        }
        fr__futex_wait_any(&w, &v, 1, -1);   /* sleeps only while go is v */
    }
    lt = p->lt;
    free(p);
    fr__thread_name();        /* past the gate (its name may not have come yet) */
    return worker_main(lt);
}

/* Not inlined: fracture.supp names this frame (the TLS of a thread still
 * waiting when its FMP exits). */
__attribute__((noinline)) static int spawn_thread(void *(*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    pthread_t t;
    int rc;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&t, &attr, fn, arg);
    pthread_attr_destroy(&attr);
    return -rc;
}

/* Park one more thread (acceptor thread only). */
static void park_one(void)
{
    struct park *p = calloc(1, sizeof *p);

    if (p && spawn_thread(parked_main, p) == 0)
        parked = p;
    else
        free(p);
}

static int start_worker(uint32_t id)
{
    struct fr_lt *lt = fr__lt_get(id);
    int rc = 0;

    if (!lt)
        return -ENOMEM;
    if (lt->worker)
        return 0;
    if (FR__UNLIKELY(fr__fault_armed) && fr__fault_fails("worker-start"))
        return -EAGAIN;       /* as pthread_create says when no stack fits */
    if (parked) {
        struct park *p = parked;
        parked = NULL;
        p->lt = lt;
        atomic_store_explicit(&p->go, PARK_WORK, memory_order_release);
        fr__futex_wake(&p->go, 1);
        park_one();           /* for the next one, after this one runs */
    } else {
        rc = spawn_thread(worker_main, lt);
    }
    if (rc < 0)
        return rc;
    lt->worker = 1;
    return 0;
}

/*
 * A logical thread whose worker cannot start must not leave its caller
 * waiting for ever: the acceptor takes the request it opened the slot for
 * (it follows the open at once) and answers FR_ENOWORKER, and clears the
 * open bit, which the caller sets again on its next call.  An lt that
 * cannot even be allocated gets no answer, but the message says so.
 */
static void refuse(uint32_t id, int r, int err, _Atomic uint64_t *word)
{
    struct fr_lt *lt = fr__lt_get(id);
    char ebuf[128];
    int got;

    fr__log("cannot start a thread to serve logical thread %u (%s%s); its call fails", id,
            strerror_r(-err, ebuf, sizeof ebuf),
            err == -EAGAIN ? ": no address space or thread left for its stack" : "");
    if (lt && fr__chan_wait(lt, r, fr__now_ns() + (int64_t)2 * 1000000000, &got) == 0 &&
        got == r && fr__chan_peek_kind(lt, r) == FR_MSG_REQ)
        fr__serve_refuse(lt, r, -FR_ENOWORKER);
    atomic_fetch_and(word, ~((uint64_t)1 << (id % 64)));
}

/*
 * Start a worker for every logical thread that opened a slot toward this
 * FMP and has none yet; for each region, note in words/vals the accept
 * bell as it was before the scan (a later open changes it).
 */
static void start_opened(_Atomic uint32_t **words, uint32_t *vals)
{
    uint32_t lo = (uint32_t)fr__rt.self * fr__rt.max_threads;
    uint32_t hi = lo + fr__rt.max_threads;

    for (int r = 0; r < fr__rt.nregions; r++) {
        struct fr_region *rg = &fr__rt.regions[r];
        struct fr_region_hdr *h = rg->base;
        _Atomic uint64_t *open = fr__region_open(rg->base, &fr__rt.geom, rg->side);

        words[r] = &h->accept[rg->side].bell;
        vals[r] = atomic_load(words[r]);
        for (uint32_t w = 0; w < (fr__rt.geom.nslots + 63) / 64; w++) {
            uint64_t bits = atomic_load(&open[w]);
            while (bits) {
                uint32_t id = w * 64 + (uint32_t)__builtin_ctzll(bits);
                bits &= bits - 1;
                if (id >= fr__rt.geom.nslots || (id >= lo && id < hi))
                    continue;   /* our own threads wait for themselves */
                int rc = start_worker(id);
                if (rc < 0)
                    refuse(id, r, rc, open + w);
            }
        }
    }
}

static void *acceptor_main(void *arg)
{
    int n = fr__rt.nregions;
    _Atomic uint32_t *words[n];
    uint32_t vals[n];
    sigset_t all;

    (void)arg;
    fr__deathwatch_enlist();
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    /* A spare: the predecessor's workers, made now and held at the gate
     * (any child of a first start finds no slot open yet). */
    if (!atomic_load(&accept_gate))
        start_opened(words, vals);
    park_one();
    gate_wait();
    /* The parked thread was made with the spare's name; it takes the FMP's
     * where it waits, so that the park stays where it was, before the gate.
     * (Moving it, like this wake, once changed the timing enough to show a
     * dying asker blamed as a forger: exchange.c, serve_nested.) */
    if (parked) {
        atomic_fetch_or(&parked->go, PARK_NAME);
        fr__futex_wake(&parked->go, 1);
    }
    for (;;) {
        start_opened(words, vals);
        fr__futex_wait_any(words, vals, (unsigned)n, -1);
    }
    return NULL;
}

int fr__acceptor_start(void)
{
    if (fr__rt.nregions == 0)
        return 0;
    return spawn_thread(acceptor_main, NULL);
}
