/*
 * deathwatch.c - the early news of a child's death: robust futexes.
 *
 * When a process is killed, the kernel ends its threads one by one, and
 * only then tears down its address space (exit_mm, unmapping every page
 * it touched: a large heap takes a long while) before its pidfd fires.
 * Each thread's robust list, though, is walked as that thread exits, at
 * the start of its exit_mm: every robust futex word that holds the
 * thread's TID gets FUTEX_OWNER_DIED, and its waiter is woken.  So each
 * thread of a restartable child that may touch a shared slot holds one
 * word of a table shared with the root (one memfd per process, created by
 * the root: spawn.c), and the root sleeps on those words.
 *
 * The invariant the root relies on: an incarnation is dead, and its slots
 * may be reset, once EVERY word its threads hold says FUTEX_OWNER_DIED.
 * One word is not enough: the other threads of a killed process may still
 * run user code for a moment, and write to the slots after the root has
 * zeroed them.  Every thread that can write to a slot holds a word: the
 * runtime's own threads (main, acceptor, parked, workers) enlist first
 * thing, and an application thread enlists when it first becomes a
 * logical thread (lthread.c), before it touches any slot.  A thread that
 * exits on purpose gives its word back first (a key's destructor), and a
 * process that ends on purpose says so (`leaving`, program.c) before its
 * threads go: neither is a death.  A thread that could not enlist (the
 * table is full, no robust list) marks the table `broken`: then only the
 * pidfd tells.
 *
 * In the root a watcher thread waits on the words (futex_waitv, with
 * FUTEX_WAITERS set so that the kernel wakes it) and on each table's
 * `seq` (bumped at every enlist and delist); when every held word of the
 * current table of an FMP is dead it wakes the supervisor through an
 * eventfd.  The supervisor alone acts on it (supervise.c): it marks the
 * FMP gone and restarts it once, and hands the process to a grave here,
 * reaped when its pidfd fires.  Without futex_waitv (an old kernel, a
 * root under Valgrind: futex.c) there is no watcher and the pidfd path
 * alone is left, as before.
 *
 * Trust: a table is shared by the root and one child only, and says
 * something of that child alone.  A compromised child can feign its death
 * (or hide it, which leaves the pidfd): the root then SIGKILLs it through
 * its pidfd before the successor is let in, so a feigned death is a real
 * one, and at worst the child failed its own calls.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "deathwatch.h"

#include "futex.h"
#include "log.h"
#include "state.h"

#define PAGE 4096u

/* One word per thread, on a cache line of its own, with room for the
 * robust-list node at word - futex_offset (glibc's list: -32). */
struct fr_watch_ent {
    _Atomic uint32_t word;    /* the holder's TID, | FUTEX_OWNER_DIED once it exited; 0: free */
    uint32_t pad;
    void *room[7];            /* the node at word - futex_offset, its prev before it */
};
_Static_assert(sizeof(struct fr_watch_ent) == 64, "an entry is one cache line");

struct fr_watch_hdr {
    _Atomic uint32_t seq;     /* bumped and woken at every enlist and delist */
    _Atomic uint32_t leaving; /* the process ends on purpose */
    _Atomic uint32_t broken;  /* a thread could not enlist: the table tells nothing */
    char pad[64 - 12];
};
_Static_assert(sizeof(struct fr_watch_hdr) == 64, "the header is one cache line");

static struct fr_watch_ent *ents(struct fr_watch_hdr *h)
{
    return (struct fr_watch_ent *)(h + 1);
}

static size_t table_size(unsigned nthreads)
{
    return (sizeof(struct fr_watch_hdr) + (size_t)nthreads * sizeof(struct fr_watch_ent) +
            PAGE - 1) / PAGE * PAGE;
}

/* ---- root ---------------------------------------------------------- */

/* The root's view of one table: the geometry is its own, never read
 * from the shared page. */
struct fr_watch {
    struct fr_watch_hdr *hdr;
    size_t size;
    unsigned nents;
    int noticed;              /* watcher: every held word is dead */
    int handed;               /* the supervisor was told */
    int buried;               /* a grave owns it */
};

struct grave {
    int used, k;
    pid_t pid;
    int pidfd;
    uint32_t gen;
    struct fr_watch *table;
};

/* lock: cur[] and the tables' flags, between the watcher and the
 * supervisor; the graves are the supervisor's alone. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct fr_watch **cur; /* per FMP: its current process's table, or NULL */
static _Atomic uint32_t epoch;/* bumped when cur[] changes: the watcher looks again */
static int efd = -1;
static struct grave *graves;
static int ngraves;

int fr__deathwatch_create(const char *name, unsigned nthreads, struct fr_watch **out)
{
    char mname[64];
    struct fr_watch *t = calloc(1, sizeof *t);
    int fd;

    if (!t)
        return -ENOMEM;
    t->nents = nthreads;
    t->size = table_size(nthreads);
    /* not "fracture:...": that names the regions (tests count them) */
    snprintf(mname, sizeof mname, "fracture-watch:%s", name);
    fd = memfd_create(mname, MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)t->size) < 0 ||
        (t->hdr = mmap(NULL, t->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
        int e = -errno;
        if (fd >= 0)
            close(fd);
        free(t);
        return e;
    }
    *out = t;
    return fd;
}

void fr__deathwatch_free(struct fr_watch *t)
{
    if (!t)
        return;
    munmap(t->hdr, t->size);
    free(t);
}

void fr__deathwatch_adopt(int k, struct fr_watch *t)
{
    pthread_mutex_lock(&lock);
    if (!cur)
        cur = calloc((size_t)fr__rt.nfmps, sizeof *cur);
    if (cur) {
        if (cur[k] && !cur[k]->buried)
            fr__deathwatch_free(cur[k]);
        cur[k] = t;
    } else {
        fr__deathwatch_free(t);   /* no early news: the pidfd still tells */
    }
    atomic_fetch_add(&epoch, 1);
    pthread_mutex_unlock(&lock);
    fr__futex_wake(&epoch, INT_MAX);
}

/* Every word held in @t is dead, and the process did not end on purpose. */
static int all_dead(const struct fr_watch *t)
{
    unsigned held = 0;

    if (atomic_load(&t->hdr->leaving) || atomic_load(&t->hdr->broken))
        return 0;
    for (unsigned i = 0; i < t->nents; i++) {
        uint32_t w = atomic_load(&ents(t->hdr)[i].word);
        if (!w)
            continue;
        if (!(w & FUTEX_OWNER_DIED))
            return 0;
        held++;
    }
    return held > 0;
}

/* futex.c waits on this many words at most. */
#define MAX_WORDS 128
/* Words of one process waited on at once: a killed process's threads die
 * within microseconds of each other, and the death of any waited one
 * makes the watcher look at the rest again. */
#define PER_TABLE 16

static void *watcher_main(void *arg)
{
    _Atomic uint32_t *words[MAX_WORDS];
    uint32_t vals[MAX_WORDS];
    sigset_t all;

    (void)arg;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        unsigned n = 0;
        int tell = 0, again = 0;

        words[n] = &epoch;
        vals[n++] = atomic_load(&epoch);
        pthread_mutex_lock(&lock);
        for (int k = 1; cur && k < fr__rt.nfmps; k++) {
            struct fr_watch *t = cur[k];
            if (!t || t->noticed)
                continue;
            /* seq before the words: an enlist after this read wakes us */
            uint32_t seq = atomic_load(&t->hdr->seq);
            if (all_dead(t)) {
                t->noticed = 1;
                tell = 1;
                continue;
            }
            if (n + 2 > MAX_WORDS)
                continue;     /* its pidfd tells, or the next look */
            words[n] = &t->hdr->seq;
            vals[n++] = seq;
            for (unsigned i = 0, mine = 0; i < t->nents && mine < PER_TABLE && n < MAX_WORDS; i++) {
                _Atomic uint32_t *w = &ents(t->hdr)[i].word;
                uint32_t v = atomic_load(w);
                if (!v || (v & FUTEX_OWNER_DIED))
                    continue;
                /* The kernel wakes a dead holder's waiter only if it was
                 * told there is one. */
                if (!(v & FUTEX_WAITERS) &&
                    !atomic_compare_exchange_strong(w, &v, v | FUTEX_WAITERS)) {
                    again = 1;        /* it changed under us: look again */
                    break;
                }
                words[n] = w;
                vals[n++] = v | FUTEX_WAITERS;
                mine++;
            }
        }
        pthread_mutex_unlock(&lock);
        if (tell) {
            uint64_t one = 1;
            if (write(efd, &one, sizeof one) < 0)
                fr__log("deathwatch: cannot wake the supervisor: %s", strerror(errno));
        }
        if (!again)
            fr__futex_wait_any(words, vals, n, -1);
    }
    return NULL;
}

int fr__deathwatch_start(void)
{
    pthread_t t;
    pthread_attr_t attr;
    int rc;

    /* Without futex_waitv futex.c would poll: the pidfds alone tell. */
    if (efd >= 0 || !fr__futex_have_waitv())
        return -ENOSYS;
    efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (efd < 0)
        return -errno;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&t, &attr, watcher_main, NULL);
    pthread_attr_destroy(&attr);
    if (rc) {
        close(efd);
        efd = -1;
        return -rc;
    }
    return 0;
}

int fr__deathwatch_fd(void)
{
    return efd;
}

int fr__deathwatch_next_dead(void)
{
    uint64_t v;
    int found = -1;

    /* Drain first, then look: a death seen after the look wakes us again. */
    if (efd >= 0 && read(efd, &v, sizeof v) < 0 && errno != EAGAIN)
        fr__log("deathwatch: %s", strerror(errno));
    pthread_mutex_lock(&lock);
    for (int k = 1; cur && k < fr__rt.nfmps && found < 0; k++)
        if (cur[k] && cur[k]->noticed && !cur[k]->handed) {
            cur[k]->handed = 1;
            found = k;
        }
    pthread_mutex_unlock(&lock);
    return found;
}

void fr__deathwatch_bury(int k, pid_t pid, int pidfd, uint32_t gen)
{
    struct grave *g = NULL;

    for (int i = 0; i < ngraves && !g; i++)
        if (!graves[i].used)
            g = &graves[i];
    if (!g) {
        struct grave *more = realloc(graves, (size_t)(ngraves + 1) * sizeof *graves);
        if (!more) {
            /* No room to keep it: reap it here, the slow way. */
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
            close(pidfd);
            return;
        }
        graves = more;
        g = &graves[ngraves++];
    }
    pthread_mutex_lock(&lock);
    *g = (struct grave){ 1, k, pid, pidfd, gen, cur ? cur[k] : NULL };
    if (g->table)
        g->table->buried = 1;
    pthread_mutex_unlock(&lock);
}

void fr__deathwatch_demote(pid_t pid)
{
    char path[64];
    DIR *d;
    struct dirent *e;

    /* /proc/PID/task lists the threads of that process only, and PID is
     * not reaped yet: no TID here can be another process's. */
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    if (!(d = opendir(path)))
        return;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.')
            setpriority(PRIO_PROCESS, (id_t)atoi(e->d_name), 19);
    closedir(d);
}

int fr__deathwatch_graves(struct pollfd *pfd)
{
    for (int i = 0; pfd && i < ngraves; i++)
        pfd[i] = (struct pollfd){ .fd = graves[i].used ? graves[i].pidfd : -1, .events = POLLIN };
    return ngraves;
}

int fr__deathwatch_reap(int i, int wait, int *k, pid_t *pid, int *status, uint32_t *gen)
{
    struct grave *g = NULL;

    if (wait) {
        for (int j = 0; j < ngraves && !g; j++)
            if (graves[j].used)
                g = &graves[j];
    } else if (i >= 0 && i < ngraves && graves[i].used) {
        g = &graves[i];
    }
    if (!g)
        return -ENOENT;
    *status = 0;
    while (waitpid(g->pid, status, 0) < 0 && errno == EINTR)
        ;
    close(g->pidfd);
    *k = g->k;
    *pid = g->pid;
    *gen = g->gen;
    pthread_mutex_lock(&lock);
    if (g->table) {
        if (cur && cur[g->k] == g->table)
            cur[g->k] = NULL;
        fr__deathwatch_free(g->table);
    }
    pthread_mutex_unlock(&lock);
    g->used = 0;
    return 0;
}

/* ---- child --------------------------------------------------------- */

static struct fr_watch_hdr *mine;     /* this process's table, or NULL */
static unsigned mine_n;
static pthread_key_t ent_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static __thread struct fr_watch_ent *tl_ent;
static __thread int tl_tried;

static void bump(void)
{
    atomic_fetch_add(&mine->seq, 1);
    fr__futex_wake(&mine->seq, INT_MAX);
}

static struct robust_list_head *robust_head(void)
{
    struct robust_list_head *head = NULL;
    size_t len = 0;

    if (syscall(SYS_get_robust_list, 0, &head, &len) < 0 || len != sizeof *head)
        return NULL;
    return head;
}

/*
 * glibc's list of a thread's robust mutexes, which the node joins so that
 * they keep working: the kernel follows `next`; glibc also keeps, 8 bytes
 * before each node (before the head: its robust_prev), a `prev` to the
 * node before, and links and unlinks as below (its ENQUEUE_MUTEX_BOTH and
 * DEQUEUE_MUTEX).  A pointer's low bit marks a PI mutex.
 */
#define UNBIT(p) ((char *)((uintptr_t)(p) & ~(uintptr_t)1))
#define PREV_OF(p) (*(void **)(UNBIT(p) - sizeof(void *)))

static struct robust_list *node_of(struct robust_list_head *head, struct fr_watch_ent *e)
{
    return (struct robust_list *)((char *)&e->word - head->futex_offset);
}

/* A thread that exits on purpose gives its word back first, and takes its
 * node out of its list: its exit is no death of the process. */
static void delist(void *p)
{
    struct fr_watch_ent *e = p;
    struct robust_list_head *head = robust_head();

    atomic_store(&e->word, 0);    /* inert from here on, wherever it dies */
    if (head) {
        struct robust_list *node = node_of(head, e);
        void *prev = PREV_OF(node);
        PREV_OF(node->next) = prev;
        ((struct robust_list *)UNBIT(prev))->next = node->next;
    }
    tl_ent = NULL;
    bump();
}

static void make_key(void)
{
    pthread_key_create(&ent_key, delist);
}

/* Hold a free word and link its node into this thread's robust list (the
 * one glibc registered). */
static int enlist(void)
{
#if defined(__GLIBC__) && __PTHREAD_MUTEX_HAVE_PREV
    struct robust_list_head *head = robust_head();
    uint32_t tid = (uint32_t)syscall(SYS_gettid);

    pthread_once(&key_once, make_key);
    /* the node and the prev before it must fit in the entry, after the word */
    if (!head || head->futex_offset > -2 * (long)sizeof(void *) ||
        head->futex_offset < -(long)(sizeof(struct fr_watch_ent) - sizeof(void *)) ||
        head->futex_offset % (long)sizeof(void *))
        return -ENOTSUP;
    for (unsigned i = 0; i < mine_n; i++) {
        struct fr_watch_ent *e = &ents(mine)[i];
        struct robust_list *node = node_of(head, e);
        uint32_t zero = 0;
        /* Pending first: a death between the claim and the link still
         * marks the word (the kernel looks at list_op_pending too). */
        head->list_op_pending = node;
        if (!atomic_compare_exchange_strong(&e->word, &zero, tid)) {
            head->list_op_pending = NULL;
            continue;
        }
        PREV_OF(head->list.next) = node;
        PREV_OF(node) = head;
        node->next = head->list.next;
        head->list.next = node;
        head->list_op_pending = NULL;
        tl_ent = e;
        pthread_setspecific(ent_key, e);
        bump();
        return 0;
    }
    return -ENOSPC;
#else
    return -ENOTSUP;          /* another libc's list: the pidfd tells */
#endif
}

void fr__deathwatch_child_init(int fd)
{
    struct stat st;
    void *p;

    if (fd < 0)
        return;
    if (fstat(fd, &st) == 0 && (size_t)st.st_size > sizeof(struct fr_watch_hdr) &&
        (p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) !=
            MAP_FAILED) {
        mine = p;
        mine_n = (unsigned)(((size_t)st.st_size - sizeof(struct fr_watch_hdr)) /
                            sizeof(struct fr_watch_ent));
    }
    close(fd);
    fr__deathwatch_enlist();
}

void fr__deathwatch_enlist(void)
{
    if (!mine || tl_ent || tl_tried)
        return;
    tl_tried = 1;
    if (enlist() < 0) {
        atomic_store(&mine->broken, 1);   /* a thread unseen: only the pidfd tells */
        bump();
    }
}

void fr__deathwatch_leaving(void)
{
    if (mine)
        atomic_store(&mine->leaving, 1);
}
