/*
 * peers.c - the baselines and measurement helpers behind `fracture bench`.
 * Each baseline is timed the way the runtime's cross-FMP call is: a client
 * here, an echo server in a forked child, one 8-byte request and one 8-byte
 * reply per round trip.  Benchmarks get run from test suites and from the
 * CLI while other things go wrong, so a failed or killed server must never
 * hang the caller or leave a process, descriptor or socket file behind.
 */
#include "peers.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * ZeroMQ, nng and iceoryx are linked into the helper fracture-peer and the
 * unit test (FR_PEERS_LINKED), not into fracture-bench: the bench's FMPs
 * are that binary, and every library mapped in a process makes the kernel
 * slower to end it (each takes its share of the crash-to-reply figure),
 * which the restart figure would carry.  fracture-bench runs those three
 * peers through the helper.
 */
#ifdef FR_PEERS_LINKED
#include <zmq.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>

#include "peer_iceoryx.h"
#endif

/* Never a real request: the client's counter starts at 1. */
#define STOP UINT64_MAX

/*
 * Spins between liveness checks.  Roughly 1-10 ms of PAUSEs, far above a
 * round trip, so the check costs nothing measurable, yet a dead peer is
 * noticed quickly and an oversubscribed CPU gets handed back via
 * sched_yield() instead of burning whole time slices.
 */
#define SPIN_BUDGET (1u << 16)

/* How often a blocked ZeroMQ client or server looks whether its peer died. */
#define ZMQ_PARENT_POLL_MS 100
#define ZMQ_CHILD_POLL_MS 1000
/*
 * The same for nng; longer for its client, because a REQ socket whose
 * receive times out drops the request (one reply per send), so the client
 * must send it again: rare enough that it does not weigh on the timing.
 */
#define NNG_PARENT_POLL_MS 1000
#define NNG_CHILD_POLL_MS 1000
/* How long the nng server waits for the client to hang up after STOP. */
#define NNG_LINGER_MS 2000

/* A Unix socket's path holds 108 bytes: the directory, "/sock" and room. */
#define BENCH_DIR_MAX 96

/* Cross-process atomics must not fall back to a lock in process memory. */
_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2, "64-bit atomics must be lock-free");

struct pp_shm {
    _Alignas(64) atomic_ullong req;
    _Alignas(64) atomic_ullong resp;
};

struct peer {
    enum fr_peer_kind kind;
    pid_t parent;
    pid_t pid;          /* the server until reaped, else 0 */
    bool gone;          /* the server ended on its own: its status says why */
    bool sigpipe;       /* a write got EPIPE, so a SIGPIPE may be pending */
    unsigned long long seq;
    struct pp_shm *shm;
    int rfd, wfd;       /* client ends (the same socket for socketpair) */
    int crfd, cwfd;     /* server ends */
    char dir[BENCH_DIR_MAX];  /* "" when not created */
    char path[BENCH_DIR_MAX + 8];
    char endpoint[BENCH_DIR_MAX + 16];
#ifdef FR_PEERS_LINKED
    void *ctx, *sock;         /* ZeroMQ's */
    nng_socket nsock;
    bool nng_open;
#endif
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#ifdef FR_PEERS_LINKED
/* errno values outside the kernel's range (ZeroMQ's own) would read as garbage. */
static int neg_errno(int e)
{
    return e > 0 && e < 4096 ? -e : -EIO;
}
#endif

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *fr__peer_name(enum fr_peer_kind k)
{
    switch (k) {
    case FR_PEER_RAW_PINGPONG: return "raw_pingpong";
    case FR_PEER_SOCKETPAIR: return "socketpair";
    case FR_PEER_PIPE: return "pipe";
    case FR_PEER_ZMQ: return "zmq";
    case FR_PEER_ICEORYX: return "iceoryx";
    case FR_PEER_NNG: return "nng";
    }
    return NULL;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* A socketpair end serves both directions: close it once. */
static void close_pair(int *a, int *b)
{
    if (*a == *b)
        *b = -1;
    close_fd(a);
    close_fd(b);
}

/* Moves up to len bytes; fewer only at end of file.  -errno on error. */
static ssize_t xfer(int fd, void *buf, size_t len, bool out)
{
    size_t done = 0;

    while (done < len) {
        ssize_t n = out ? write(fd, (char *)buf + done, len - done)
                        : read(fd, (char *)buf + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            break;
        done += (size_t)n;
    }
    return (ssize_t)done;
}

/* Without reaping, so the exit status stays for reap() to read. */
static bool child_exited(const struct peer *p)
{
    siginfo_t si;

    si.si_pid = 0;
    if (waitid(P_PID, (id_t)p->pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0)
        return errno == ECHILD; /* reaped behind our back: gone all the same */
    return si.si_pid != 0;
}

/* ---- servers (child side); each returns 0 or a positive errno ---- */

static int serve_raw(const struct peer *p)
{
    unsigned long long last = 0;
    unsigned spins = 0;

    for (;;) {
        unsigned long long v = atomic_load_explicit(&p->shm->req, memory_order_acquire);
        if (v == last) {
            cpu_relax();
            if (++spins == SPIN_BUDGET) {
                spins = 0;
                if (getppid() != p->parent)
                    return ESRCH;
                sched_yield();
            }
            continue;
        }
        spins = 0;
        atomic_store_explicit(&p->shm->resp, v, memory_order_release);
        if (v == STOP)
            return 0;
        last = v;
    }
}

static int serve_fd(const struct peer *p)
{
    for (;;) {
        uint64_t v;
        ssize_t n = xfer(p->crfd, &v, sizeof v, false);
        if (n == 0)
            return 0; /* the client closed: the normal way to stop */
        if (n < 0)
            return (int)-n;
        if (n != sizeof v)
            return EPROTO;
        n = xfer(p->cwfd, &v, sizeof v, true);
        if (n < 0)
            return (int)-n;
    }
}

/* ---- ZeroMQ (in fracture-peer and the unit test only) ---- */

#ifdef FR_PEERS_LINKED
static int serve_zmq(const struct peer *p)
{
    int linger = 1000, tmo = ZMQ_CHILD_POLL_MS, rc = 0;
    void *ctx, *s;

    if (!(ctx = zmq_ctx_new()))
        return errno ? errno : ENOMEM;
    if (!(s = zmq_socket(ctx, ZMQ_REP))) {
        rc = zmq_errno();
        goto term;
    }
    /* A nonzero linger so the reply to STOP is not dropped by zmq_close(). */
    if (zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo) != 0 ||
        zmq_bind(s, p->endpoint) != 0) {
        rc = zmq_errno();
        goto close;
    }
    for (;;) {
        uint64_t v;
        int n = zmq_recv(s, &v, sizeof v, 0);
        if (n < 0) {
            int e = zmq_errno();
            if (e == EINTR)
                continue;
            if (e == EAGAIN) {
                if (getppid() != p->parent) {
                    rc = ESRCH;
                    break;
                }
                continue;
            }
            rc = e;
            break;
        }
        if (n != (int)sizeof v) {
            rc = EPROTO;
            break;
        }
        while ((n = zmq_send(s, &v, sizeof v, 0)) < 0 && zmq_errno() == EINTR)
            ;
        if (n < 0) {
            rc = zmq_errno();
            break;
        }
        if (v == STOP)
            break;
    }
close:
    zmq_close(s);
term:
    while (zmq_ctx_term(ctx) != 0 && zmq_errno() == EINTR)
        ;
    return rc;
}

/* ---- nng (in fracture-peer and the unit test only) ---- */

/* nng's error numbers are its own, but for a system error it wraps errno. */
static int nng_neg_errno(int e)
{
    if (e & NNG_ESYSERR)
        return neg_errno(e & ~NNG_ESYSERR);
    switch (e) {
    case NNG_ENOMEM: return -ENOMEM;
    case NNG_EINVAL: return -EINVAL;
    case NNG_ETIMEDOUT: return -ETIMEDOUT;
    case NNG_ECLOSED:
    case NNG_ECONNSHUT: return -EPIPE;
    case NNG_EADDRINUSE: return -EADDRINUSE;
    case NNG_ECONNREFUSED: return -ECONNREFUSED;
    case NNG_ENOENT: return -ENOENT;
    case NNG_EPERM: return -EPERM;
    }
    return -EIO;
}

/* Set from nng's own thread when the client's pipe is gone. */
static atomic_int nng_client_gone;

static void nng_pipe_removed(nng_pipe pipe, nng_pipe_ev ev, void *arg)
{
    (void)pipe;
    (void)ev;
    (void)arg;
    atomic_store(&nng_client_gone, 1);
}

static int serve_nng(const struct peer *p)
{
    nng_socket s;
    int rc;

    if ((rc = nng_rep0_open(&s)) != 0)
        return -nng_neg_errno(rc);
    if ((rc = nng_pipe_notify(s, NNG_PIPE_EV_REM_POST, nng_pipe_removed, NULL)) != 0 ||
        (rc = nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, NNG_CHILD_POLL_MS)) != 0 ||
        (rc = nng_listen(s, p->endpoint, NULL, 0)) != 0) {
        rc = -nng_neg_errno(rc);
        goto close;
    }
    for (;;) {
        uint64_t v;
        size_t n = sizeof v;
        int e = nng_recv(s, &v, &n, 0);
        if (e == NNG_ETIMEDOUT) {
            if (getppid() != p->parent) {
                rc = ESRCH;
                break;
            }
            continue;
        }
        if (e != 0) {
            rc = -nng_neg_errno(e);
            break;
        }
        if (n != sizeof v) {
            rc = EPROTO;
            break;
        }
        if (v == STOP)   /* before the reply, so no earlier hang-up counts */
            atomic_store(&nng_client_gone, 0);
        if ((e = nng_send(s, &v, sizeof v, 0)) != 0) {
            rc = -nng_neg_errno(e);
            break;
        }
        if (v == STOP) {
            /* nng has no linger: closing now could drop the reply still
             * queued for the pipe, so wait until the client hangs up. */
            for (int ms = 0; ms < NNG_LINGER_MS && !atomic_load(&nng_client_gone); ms++)
                nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
            break;
        }
    }
close:
    nng_close(s);
    return rc;
}

/*
 * A REQ socket gives up its request when a receive times out, so after
 * each timeout (the server alive) the request is sent again; the server
 * echoes both, and REQ keeps only the reply to the latest.
 */
static int rt_nng(struct peer *p, unsigned long long seq)
{
    uint64_t v = seq, r = 0;

    for (;;) {
        size_t n = sizeof r;
        int e = nng_send(p->nsock, &v, sizeof v, 0);
        if (e == 0)
            e = nng_recv(p->nsock, &r, &n, 0);
        if (e == 0)
            return n == sizeof r && r == v ? 0 : -EPROTO;
        if (e != NNG_ETIMEDOUT)
            return nng_neg_errno(e);
        if (child_exited(p)) {
            p->gone = true;
            return -EPIPE;
        }
    }
}

/*
 * As for ZeroMQ the server listens and the client dials in the background
 * (NONBLOCK), retrying every 10 ms until the server is there.
 */
static int open_nng(struct peer *p)
{
    int rc;

    if ((rc = nng_req0_open(&p->nsock)) != 0)
        return nng_neg_errno(rc);
    p->nng_open = true;
    if ((rc = nng_socket_set_ms(p->nsock, NNG_OPT_RECVTIMEO, NNG_PARENT_POLL_MS)) != 0 ||
        (rc = nng_socket_set_ms(p->nsock, NNG_OPT_SENDTIMEO, NNG_PARENT_POLL_MS)) != 0 ||
        (rc = nng_socket_set_ms(p->nsock, NNG_OPT_RECONNMINT, 10)) != 0 ||
        (rc = nng_dial(p->nsock, p->endpoint, NULL, NNG_FLAG_NONBLOCK)) != 0)
        return nng_neg_errno(rc);
    return 0;
}
#endif

static _Noreturn void child_main(struct peer *p)
{
    int rc;

    /* The parent may be killed mid-run; the server must not outlive it. */
    if (prctl(PR_SET_PDEATHSIG, (unsigned long)SIGKILL) != 0)
        rc = errno ? errno : EIO;
    else if (getppid() != p->parent)
        rc = ESRCH;
    else {
        /* Else a dead client's EOF would never reach us. */
        close_pair(&p->wfd, &p->rfd);
        switch (p->kind) {
        case FR_PEER_RAW_PINGPONG: rc = serve_raw(p); break;
        case FR_PEER_SOCKETPAIR:
        case FR_PEER_PIPE: rc = serve_fd(p); break;
#ifdef FR_PEERS_LINKED
        case FR_PEER_ZMQ: rc = serve_zmq(p); break;
        case FR_PEER_NNG: rc = serve_nng(p); break;
#endif
        default: rc = EINVAL; break;
        }
    }
    /* The exit code carries the errno back to fr__peer_bench(). */
    _exit(rc == 0 ? 0 : rc > 0 && rc < 256 ? rc : EIO);
}

/* ---- clients (parent side); each returns 0 or -errno ---- */

static int rt_raw(struct peer *p, unsigned long long v)
{
    unsigned spins = 0;

    atomic_store_explicit(&p->shm->req, v, memory_order_release);
    while (atomic_load_explicit(&p->shm->resp, memory_order_acquire) != v) {
        cpu_relax();
        if (++spins == SPIN_BUDGET) {
            spins = 0;
            if (child_exited(p)) {
                p->gone = true;
                return -EPIPE;
            }
            sched_yield();
        }
    }
    return 0;
}

static int rt_fd(struct peer *p, unsigned long long seq)
{
    uint64_t v = seq, r = 0;
    ssize_t n = xfer(p->wfd, &v, sizeof v, true);

    if (n == (ssize_t)sizeof v)
        n = xfer(p->rfd, &r, sizeof r, false);
    if (n == (ssize_t)sizeof v)
        return r == v ? 0 : -EPROTO;
    if (n == -EPIPE)
        p->sigpipe = true;
    if (n >= 0 || n == -EPIPE || n == -ECONNRESET) {
        p->gone = true;
        return -EPIPE;
    }
    return (int)n;
}

#ifdef FR_PEERS_LINKED
/* A blocked REQ socket cannot see its peer die, hence the timeout loop. */
static int zmq_xfer(struct peer *p, uint64_t *v, bool out)
{
    for (;;) {
        int n = out ? zmq_send(p->sock, v, sizeof *v, 0) : zmq_recv(p->sock, v, sizeof *v, 0);
        if (n >= 0)
            return n == (int)sizeof *v ? 0 : -EPROTO;
        int e = zmq_errno();
        if (e == EINTR)
            continue;
        if (e != EAGAIN)
            return neg_errno(e);
        if (child_exited(p)) {
            p->gone = true;
            return -EPIPE;
        }
    }
}

static int rt_zmq(struct peer *p, unsigned long long seq)
{
    uint64_t v = seq, r = 0;
    int rc = zmq_xfer(p, &v, true);

    if (rc == 0)
        rc = zmq_xfer(p, &r, false);
    if (rc == 0 && r != v)
        rc = -EPROTO;
    return rc;
}
#endif

static int roundtrip(struct peer *p)
{
    unsigned long long v = ++p->seq;

    switch (p->kind) {
    case FR_PEER_RAW_PINGPONG: return rt_raw(p, v);
    case FR_PEER_SOCKETPAIR:
    case FR_PEER_PIPE: return rt_fd(p, v);
#ifdef FR_PEERS_LINKED
    case FR_PEER_ZMQ: return rt_zmq(p, v);
    case FR_PEER_NNG: return rt_nng(p, v);
#endif
    default: break;   /* iceoryx: peer_iceoryx.c's own */
    }
    return -EINVAL;
}

/* Everything the child must inherit is made before fork(). */
static int setup(struct peer *p)
{
    int fds[2], fds2[2];

    switch (p->kind) {
    case FR_PEER_RAW_PINGPONG:
        p->shm = mmap(NULL, sizeof *p->shm, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p->shm == MAP_FAILED) {
            p->shm = NULL;
            return -errno;
        }
        atomic_init(&p->shm->req, 0);
        atomic_init(&p->shm->resp, 0);
        return 0;
    case FR_PEER_SOCKETPAIR:
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
            return -errno;
        p->rfd = p->wfd = fds[0];
        p->crfd = p->cwfd = fds[1];
        return 0;
    case FR_PEER_PIPE:
        if (pipe2(fds, O_CLOEXEC) != 0)
            return -errno;
        if (pipe2(fds2, O_CLOEXEC) != 0) {
            int e = errno;
            close(fds[0]);
            close(fds[1]);
            return -e;
        }
        p->crfd = fds[0];
        p->wfd = fds[1];
        p->rfd = fds2[0];
        p->cwfd = fds2[1];
        return 0;
    case FR_PEER_ZMQ:
    case FR_PEER_NNG:
        if (fr__bench_mkdtemp(p->dir, sizeof p->dir) < 0) {
            int e = errno;
            p->dir[0] = '\0';
            return -e;
        }
        snprintf(p->path, sizeof p->path, "%s/sock", p->dir);
        snprintf(p->endpoint, sizeof p->endpoint, "ipc://%s", p->path);
        return 0;
    case FR_PEER_ICEORYX:
        break;
    }
    return -EINVAL;
}

#ifdef FR_PEERS_LINKED
/*
 * Connect rather than bind: the server binds, and ZeroMQ retries the
 * connect until it has, so no extra handshake is needed to start.
 */
static int open_zmq(struct peer *p)
{
    int linger = 0, tmo = ZMQ_PARENT_POLL_MS, ivl = 10;

    if (!(p->ctx = zmq_ctx_new()))
        return neg_errno(errno ? errno : ENOMEM);
    if (!(p->sock = zmq_socket(p->ctx, ZMQ_REQ)))
        return neg_errno(zmq_errno());
    if (zmq_setsockopt(p->sock, ZMQ_LINGER, &linger, sizeof linger) != 0 ||
        zmq_setsockopt(p->sock, ZMQ_RCVTIMEO, &tmo, sizeof tmo) != 0 ||
        zmq_setsockopt(p->sock, ZMQ_SNDTIMEO, &tmo, sizeof tmo) != 0 ||
        zmq_setsockopt(p->sock, ZMQ_RECONNECT_IVL, &ivl, sizeof ivl) != 0 ||
        zmq_connect(p->sock, p->endpoint) != 0)
        return neg_errno(zmq_errno());
    return 0;
}
#endif

/* Ask the server to exit cleanly, so its exit code is worth reading. */
static int stop(struct peer *p)
{
    switch (p->kind) {
    case FR_PEER_RAW_PINGPONG:
        atomic_store_explicit(&p->shm->req, STOP, memory_order_release);
        return 0;
    case FR_PEER_SOCKETPAIR:
    case FR_PEER_PIPE:
        close_pair(&p->wfd, &p->rfd); /* EOF is the stop signal */
        return 0;
#ifdef FR_PEERS_LINKED
    case FR_PEER_ZMQ: {
        uint64_t v = STOP;
        int rc = zmq_xfer(p, &v, true);
        if (rc == 0)
            rc = zmq_xfer(p, &v, false);
        return rc;
    }
    case FR_PEER_NNG:
        return rt_nng(p, STOP);
#endif
    default:
        break;
    }
    return -EINVAL;
}

static void close_client(struct peer *p)
{
    close_pair(&p->wfd, &p->rfd);
    close_pair(&p->cwfd, &p->crfd);
#ifdef FR_PEERS_LINKED
    if (p->sock)
        zmq_close(p->sock);
    p->sock = NULL;
    if (p->ctx)
        while (zmq_ctx_term(p->ctx) != 0 && zmq_errno() == EINTR)
            ;
    p->ctx = NULL;
    if (p->nng_open)
        nng_close(p->nsock);   /* the hang-up the nng server waits for */
    p->nng_open = false;
#endif
}

/*
 * If the server went away by itself, its exit code is the real error; if
 * the client failed first, the server is killed and its status ignored.
 */
static int reap(struct peer *p, int rc)
{
    int st, code;

    if (p->pid <= 0)
        return rc;
    if (rc != 0 && !p->gone)
        kill(p->pid, SIGKILL);
    for (;;) {
        pid_t w = waitpid(p->pid, &st, 0);
        if (w == p->pid)
            break;
        if (w < 0 && errno == EINTR)
            continue;
        p->pid = 0; /* ECHILD: reaped elsewhere (SIGCHLD ignored?), status lost */
        return rc;
    }
    p->pid = 0;
    if (rc != 0 && !p->gone)
        return rc;
    code = WIFEXITED(st) ? WEXITSTATUS(st) : ECHILD;
    return code ? -code : rc;
}

static int remove_tmp(struct peer *p, int rc)
{
    if (!p->dir[0])
        return rc;
    if (unlink(p->path) != 0 && errno != ENOENT && rc == 0)
        rc = -errno;
    if (rmdir(p->dir) != 0 && rc == 0)
        rc = -errno;
    p->dir[0] = '\0';
    return rc;
}

static int run(struct peer *p, unsigned rounds, unsigned iters, double *out)
{
    int rc = 0;

    for (unsigned i = 0; rc == 0 && i < iters; i++)
        rc = roundtrip(p);
    for (unsigned r = 0; rc == 0 && r < rounds; r++) {
        uint64_t t0 = now_ns();
        for (unsigned i = 0; i < iters; i++)
            if ((rc = roundtrip(p)) != 0)
                break;
        out[r] = (double)(now_ns() - t0) / iters;
    }
    return rc;
}

/* The client here, the server in a child: the common way. */
static int bench_here(enum fr_peer_kind k, unsigned rounds, unsigned iters, double *out)
{
    struct peer p = { .kind = k, .rfd = -1, .wfd = -1, .crfd = -1, .cwfd = -1 };
    sigset_t pipeset, old;
    int rc;

    /*
     * A pipe write to a dead server raises SIGPIPE, which would kill the
     * caller; block it for the duration and swallow the one we caused.
     */
    sigemptyset(&pipeset);
    sigaddset(&pipeset, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipeset, &old);

    p.parent = getpid();
    rc = setup(&p);
    if (rc == 0) {
        p.pid = fork();
        if (p.pid == 0)
            child_main(&p);
        if (p.pid < 0) {
            rc = -errno;
            p.pid = 0;
        }
    }
    if (rc == 0) {
        close_pair(&p.cwfd, &p.crfd);
#ifdef FR_PEERS_LINKED
        if (k == FR_PEER_ZMQ)
            rc = open_zmq(&p);
        else if (k == FR_PEER_NNG)
            rc = open_nng(&p);
#endif
    }
    if (rc == 0)
        rc = run(&p, rounds, iters, out);
    if (rc == 0)
        rc = stop(&p);

    close_client(&p);
    rc = reap(&p, rc);
    rc = remove_tmp(&p, rc);
    if (p.shm)
        munmap(p.shm, sizeof *p.shm);

    if (p.sigpipe && !sigismember(&old, SIGPIPE)) {
        struct timespec zero = { 0, 0 };
        sigtimedwait(&pipeset, NULL, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}

#ifdef FR_PEERS_LINKED
int fr__peer_measure(int wfd, enum fr_peer_kind k, unsigned rounds, unsigned iters)
{
    double out[rounds];
    ssize_t n;
    int rc;

    if (k == FR_PEER_ICEORYX)
        return fr__peer_iceoryx_measure(wfd, rounds, iters);
    if ((rc = bench_here(k, rounds, iters, out)) != 0)
        return -rc;
    n = xfer(wfd, out, sizeof out, true);
    return n == (ssize_t)sizeof out ? 0 : n < 0 ? (int)-n : EPIPE;
}
#else
/*
 * fracture-bench has no ZeroMQ, nng or iceoryx: fracture-peer, beside it,
 * measures.  Returns only if it cannot be run: the errno.
 */
static int exec_helper(int wfd, enum fr_peer_kind k, unsigned rounds, unsigned iters)
{
    char exe[4096], r[16], i[16], fd[16];
    int rc = fr__helper_path("fracture-peer", exe, sizeof exe);

    if (rc < 0)
        return -rc;
    /* the pipe is the one descriptor it inherits, by number */
    if (fcntl(wfd, F_SETFD, 0) != 0)
        return errno;
    snprintf(r, sizeof r, "%u", rounds);
    snprintf(i, sizeof i, "%u", iters);
    snprintf(fd, sizeof fd, "%d", wfd);
    execl(exe, "fracture-peer", fr__peer_name(k), r, i, fd, (char *)NULL);
    return errno;
}
#endif

/*
 * Client and server both in children of the caller, the timings back
 * through a pipe.  For iceoryx, whose client must live in namespaces that
 * only a single-threaded process can make; for ZeroMQ, whose library the
 * bench's FMPs do not map (above); for nng, which cannot be used
 * in a child forked after the parent has used it ("not fork-reentrant
 * safe"), so the caller itself must never touch it, or a second run in
 * the same process would fail.
 */
static int in_child(enum fr_peer_kind k, unsigned rounds, unsigned iters, double *out)
{
    pid_t parent = getpid(), pid;
    struct peer p = { .kind = k };
    int fds[2], rc;
    ssize_t n;

    if (pipe2(fds, O_CLOEXEC) != 0)
        return -errno;
    fflush(NULL);   /* else a child's exit could print our buffered output again */
    pid = fork();
    if (pid < 0) {
        rc = -errno;
        close(fds[0]);
        close(fds[1]);
        return rc;
    }
    if (pid == 0) {
        close(fds[0]);
        /* The caller may be killed mid-run; the measurer must not outlive it. */
        if (prctl(PR_SET_PDEATHSIG, (unsigned long)SIGKILL) != 0)
            rc = errno ? errno : EIO;
        else if (getppid() != parent)
            rc = ESRCH;
        else
#ifdef FR_PEERS_LINKED
            rc = fr__peer_measure(fds[1], k, rounds, iters);
#else
            rc = exec_helper(fds[1], k, rounds, iters);
#endif
        _exit(rc >= 0 && rc < 256 ? rc : EIO);
    }
    close(fds[1]);
    /* The timings, or EOF when the child (and all it forked) is gone. */
    n = xfer(fds[0], out, rounds * sizeof *out, false);
    close(fds[0]);
    p.pid = pid;
    p.gone = true;   /* its status is the error, if there is one */
    rc = reap(&p, n < 0 ? (int)n : 0);
    if (rc == 0 && n != (ssize_t)(rounds * sizeof *out))
        rc = -EPROTO;
    return rc;
}

int fr__peer_bench(enum fr_peer_kind k, unsigned rounds, unsigned iters, double *out)
{
    if (!fr__peer_name(k) || rounds == 0 || iters == 0 || !out)
        return -EINVAL;
    if (k == FR_PEER_ICEORYX || k == FR_PEER_NNG || k == FR_PEER_ZMQ)
        return in_child(k, rounds, iters, out);
    return bench_here(k, rounds, iters, out);
}

/* ---- statistics ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    int nx = isnan(x) != 0, ny = isnan(y) != 0;

    if (nx || ny)
        return nx - ny; /* NaNs last, so qsort sees a consistent order */
    return (x > y) - (x < y);
}

static double quantile(const double *v, size_t n, double q)
{
    double h = q * (double)(n - 1);
    size_t i = (size_t)h;
    double f = h - (double)i;

    if (f == 0 || i + 1 >= n)
        return v[i];
    return v[i] + f * (v[i + 1] - v[i]);
}

void fr__stats(double *v, size_t n, double *median, double *p99)
{
    if (n == 0) {
        *median = *p99 = NAN;
        return;
    }
    qsort(v, n, sizeof *v, cmp_double);
    *median = quantile(v, n, 0.5);
    *p99 = quantile(v, n, 0.99);
}

/* ---- /proc and mincore ---- */

static int read_proc(pid_t pid, const char *name, char *buf, size_t cap)
{
    char path[64];
    size_t n = 0;
    int fd, rc = 0;

    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return -errno;
    while (n < cap - 1) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rc = -errno;
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = '\0';
    return rc;
}

int fr__proc_cpu_ns(pid_t pid, uint64_t *ns)
{
    char buf[1024];
    unsigned long long ut, st, ticks;
    long hz = sysconf(_SC_CLK_TCK);
    const char *s;
    int rc;

    if (pid <= 0 || !ns)
        return -EINVAL;
    if (hz <= 0)
        return -ENOSYS;
    if ((rc = read_proc(pid, "stat", buf, sizeof buf)) != 0)
        return rc;
    /* comm may hold spaces and parentheses; the last ')' ends it. */
    if (!(s = strrchr(buf, ')')))
        return -EPROTO;
    /* After comm: fields 3..13 skipped, then utime (14) and stime (15). */
    if (sscanf(s + 1, " %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu",
               &ut, &st) != 2)
        return -EPROTO;
    ticks = ut + st;
    *ns = ticks / (unsigned long long)hz * 1000000000ull +
          ticks % (unsigned long long)hz * 1000000000ull / (unsigned long long)hz;
    return 0;
}

static int smaps_field(const char *buf, const char *key, uint64_t *val)
{
    const char *s = strstr(buf, key);
    char *end;

    if (!s)
        return -EPROTO;
    s += strlen(key);
    errno = 0;
    *val = strtoull(s, &end, 10);
    if (end == s || errno)
        return -EPROTO;
    return 0;
}

int fr__proc_private_kb(pid_t pid, uint64_t *kb)
{
    char buf[4096];
    uint64_t clean, dirty;
    int rc;

    if (pid <= 0 || !kb)
        return -EINVAL;
    if ((rc = read_proc(pid, "smaps_rollup", buf, sizeof buf)) != 0)
        return rc;
    /* The leading newline keeps "Private_Clean" from matching inside another name. */
    if ((rc = smaps_field(buf, "\nPrivate_Clean:", &clean)) != 0 ||
        (rc = smaps_field(buf, "\nPrivate_Dirty:", &dirty)) != 0)
        return rc;
    *kb = clean + dirty;
    return 0;
}

int fr__resident_bytes(const void *addr, size_t len, uint64_t *bytes)
{
    unsigned char vec[4096];
    long psl = sysconf(_SC_PAGESIZE);
    size_t ps = psl > 0 ? (size_t)psl : 4096;
    const char *a = addr;
    uint64_t total = 0;

    if (!bytes || (uintptr_t)addr % ps)
        return -EINVAL;
    /* In slices, so any length works without allocating the vector. */
    while (len) {
        size_t chunk = len < sizeof vec * ps ? len : sizeof vec * ps;
        size_t pages = (chunk + ps - 1) / ps;
        if (mincore((void *)a, chunk, vec) != 0)
            return -errno;
        for (size_t i = 0; i < pages; i++)
            if (vec[i] & 1)
                total += i + 1 == pages && chunk % ps ? chunk % ps : ps;
        a += chunk;
        len -= chunk;
    }
    *bytes = total;
    return 0;
}
