/*
 * peer_iceoryx.c - iceoryx (Debian's iceoryx 2, through its C binding)
 * request/response as a yardstick for the cross-FMP call: a client and a
 * server in two processes, one 8-byte request and one 8-byte reply per
 * round trip, both loaned from RouDi's shared memory (zero copy).
 *
 * iceoryx needs its daemon, RouDi, and iceoryx 2.0 has no domains: RouDi
 * always takes /tmp/roudi, /tmp/iox-unique-roudi.lock, /dev/shm/iceoryx_mgmt
 * and a segment named after the user's group.  So the bench runs the whole
 * thing (RouDi, server, client) in a helper process with mount and PID
 * namespaces of its own, fresh tmpfs on /tmp and /dev/shm: another RouDi on
 * the machine is neither seen nor disturbed, and when the helper ends the
 * kernel kills whatever is left in its PID namespace and drops its tmpfs,
 * so nothing can outlive the bench, not even after a SIGKILL.  The client
 * is in the helper too; only the timings come back, through a pipe.
 *
 *   bench ── fork (peers.c) ─> helper: unshare, mount ── fork ─> pid 1 of
 *   the namespace: RouDi (exec), the server (fork), the client (itself)
 *
 * Each side spins on its queue before blocking in a WaitSet, as the
 * runtime's own channel does (spin, then futex): the peer is timed at its
 * best, not at a context switch per message.
 */
#include "peer_iceoryx.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <iceoryx_binding_c/client.h>
#include <iceoryx_binding_c/log.h>
#include <iceoryx_binding_c/runtime.h>
#include <iceoryx_binding_c/server.h>
#include <iceoryx_binding_c/wait_set.h>

#ifndef FR_IOX_ROUDI
#error "FR_IOX_ROUDI, the path of iox-roudi, is set by rt/CMakeLists.txt"
#endif

/* Never a real request: the client's counter starts at 1. */
#define STOP UINT64_MAX

/* As in peers.c: 1-10 ms of PAUSEs, far above a round trip. */
#define SPIN_BUDGET (1u << 16)

/* RouDi, the server's offer and the connection each get this long. */
#define READY_MS 10000
/* How long a blocked client sleeps before it looks whether the server died. */
#define WAIT_MS 100

/* RouDi's fixed names land in the namespace's own tmpfs. */
#define ROUDI_SOCKET "/tmp/roudi"
#define ROUDI_CONFIG "/tmp/fracture-bench-roudi.toml"

/*
 * One small mempool instead of RouDi's built-in config (hundreds of MiB of
 * pools): a chunk holds its header, the request/response header and the
 * 8-byte payload; a round trip holds at most two at once.
 */
static const char roudi_config[] = "[general]\n"
                                   "version = 1\n"
                                   "\n"
                                   "[[segment]]\n"
                                   "\n"
                                   "[[segment.mempool]]\n"
                                   "size = 256\n"
                                   "count = 64\n";

#define SERVICE "fracture", "bench", "null"

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Without reaping, so that the status stays for the final waitpid(). */
static bool exited(pid_t pid)
{
    siginfo_t si;

    si.si_pid = 0;
    if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) != 0)
        return true;
    return si.si_pid != 0;
}

/* 0 if pid exited with 0; else the errno it exited with, ECHILD if killed. */
static int reap(pid_t pid)
{
    int st;

    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return ECHILD;
    if (!WIFEXITED(st))
        return ECHILD;
    return WEXITSTATUS(st);
}

/* SIGTERM, so that RouDi removes its segments; SIGKILL if it dawdles. */
static void stop_roudi(pid_t pid)
{
    kill(pid, SIGTERM);
    for (int i = 0; i < 2000 && !exited(pid); i++)
        sleep_ms(1);
    kill(pid, SIGKILL);
    reap(pid);
}

/* Every process here dies with its parent, or does not start. */
static void die_with_parent(void)
{
    if (prctl(PR_SET_PDEATHSIG, (unsigned long)SIGKILL) != 0)
        _exit(errno > 0 && errno < 256 ? errno : EIO);
}

static int write_all(int fd, const void *buf, size_t len)
{
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, (const char *)buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return errno ? errno : EIO;
        done += (size_t)n;
    }
    return 0;
}

/* ---- the server (a child of the namespace's pid 1) ---- */

static int serve(void)
{
    iox_server_storage_t storage;
    iox_ws_storage_t ws_storage;
    iox_server_options_t opt;
    iox_server_t s;
    iox_ws_t ws;
    unsigned spins = 0;
    int rc = 0;

    iox_set_loglevel(Iceoryx_LogLevel_Off);
    iox_runtime_init("fracture-bench-server");
    iox_server_options_init(&opt);
    s = iox_server_init(&storage, SERVICE, &opt);
    ws = iox_ws_init(&ws_storage);
    if (iox_ws_attach_server_event(ws, s, ServerEvent_REQUEST_RECEIVED, 0, NULL) !=
        WaitSetResult_SUCCESS) {
        rc = EPROTO;
        goto out;
    }
    for (;;) {
        const void *req;
        void *resp;
        uint64_t v;
        enum iox_ServerRequestResult r = iox_server_take_request(s, &req);

        if (r == ServerRequestResult_NO_PENDING_REQUESTS) {
            if (++spins < SPIN_BUDGET) {
                cpu_relax();
            } else {
                /* Our parent's death kills us (PDEATHSIG): no deadline needed. */
                iox_notification_info_t info[1];
                uint64_t missed;
                spins = 0;
                iox_ws_wait(ws, info, 1, &missed);
            }
            continue;
        }
        if (r != ServerRequestResult_SUCCESS) {
            rc = EPROTO;
            break;
        }
        spins = 0;
        memcpy(&v, req, sizeof v);
        /* The response is routed by the request's header: loan before release. */
        if (iox_server_loan_response(s, req, &resp, sizeof v) != AllocationResult_SUCCESS) {
            iox_server_release_request(s, req);
            rc = ENOMEM;
            break;
        }
        memcpy(resp, &v, sizeof v);
        iox_server_release_request(s, req);
        if (iox_server_send(s, resp) != ServerSendResult_SUCCESS) {
            rc = EPIPE;
            break;
        }
        if (v == STOP)
            break;
    }
    iox_ws_detach_server_event(ws, s, ServerEvent_REQUEST_RECEIVED);
out:
    iox_ws_deinit(ws);
    iox_server_deinit(s);
    iox_runtime_shutdown();
    return rc;
}

/* ---- the client (the namespace's pid 1 itself) ---- */

struct client {
    iox_client_t c;
    iox_ws_t ws;
    pid_t server;
};

/* 0 or a positive errno. */
static int roundtrip(struct client *cl, uint64_t v)
{
    void *req;
    unsigned spins = 0;

    if (iox_client_loan_request(cl->c, &req, sizeof v) != AllocationResult_SUCCESS)
        return ENOMEM;
    memcpy(req, &v, sizeof v);
    if (iox_client_send(cl->c, req) != ClientSendResult_SUCCESS)
        return EPIPE;
    for (;;) {
        const void *resp;
        uint64_t got;
        enum iox_ChunkReceiveResult r = iox_client_take_response(cl->c, &resp);

        if (r == ChunkReceiveResult_SUCCESS) {
            memcpy(&got, resp, sizeof got);
            iox_client_release_response(cl->c, resp);
            return got == v ? 0 : EPROTO;
        }
        if (r != ChunkReceiveResult_NO_CHUNK_AVAILABLE)
            return EPROTO;
        if (++spins < SPIN_BUDGET) {
            cpu_relax();
            continue;
        }
        /* A dead server sends nothing: look at it between bounded waits. */
        iox_notification_info_t info[1];
        uint64_t missed;
        spins = 0;
        iox_ws_timed_wait(cl->ws, (struct timespec){ 0, WAIT_MS * 1000000L }, info, 1, &missed);
        if (exited(cl->server))
            return EPIPE;
    }
}

static int client_run(pid_t server, int wfd, unsigned rounds, unsigned iters)
{
    iox_client_storage_t storage;
    iox_ws_storage_t ws_storage;
    iox_client_options_t opt;
    struct client cl = { .server = server };
    double out[rounds];
    uint64_t seq = 0;
    int rc = 0, ms = 0;

    iox_set_loglevel(Iceoryx_LogLevel_Off);
    iox_runtime_init("fracture-bench-client");
    iox_client_options_init(&opt);
    cl.c = iox_client_init(&storage, SERVICE, &opt);
    cl.ws = iox_ws_init(&ws_storage);
    if (iox_ws_attach_client_event(cl.ws, cl.c, ClientEvent_RESPONSE_RECEIVED, 0, NULL) !=
        WaitSetResult_SUCCESS) {
        rc = EPROTO;
        goto out;
    }
    /* RouDi matches client and server on its discovery loop (100 ms). */
    while (iox_client_get_connection_state(cl.c) != ConnectionState_CONNECTED) {
        if (exited(server)) {
            rc = EPIPE;
            goto out_detach;
        }
        if (++ms > READY_MS) {
            rc = ETIMEDOUT;
            goto out_detach;
        }
        sleep_ms(1);
    }
    for (unsigned i = 0; rc == 0 && i < iters; i++)   /* warm up */
        rc = roundtrip(&cl, ++seq);
    for (unsigned r = 0; rc == 0 && r < rounds; r++) {
        uint64_t t0 = now_ns();
        for (unsigned i = 0; rc == 0 && i < iters; i++)
            rc = roundtrip(&cl, ++seq);
        out[r] = (double)(now_ns() - t0) / iters;
    }
    if (rc == 0)
        rc = roundtrip(&cl, STOP);
    if (rc == 0)
        rc = write_all(wfd, out, sizeof out);
out_detach:
    iox_ws_detach_client_event(cl.ws, cl.c, ClientEvent_RESPONSE_RECEIVED);
out:
    iox_ws_deinit(cl.ws);
    iox_client_deinit(cl.c);
    iox_runtime_shutdown();
    return rc;
}

/* ---- pid 1 of the namespace: RouDi, then the server, then the client ---- */

static int start_roudi(pid_t *pid)
{
    int fd = open(ROUDI_CONFIG, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600), rc;

    if (fd < 0)
        return errno;
    rc = write_all(fd, roudi_config, sizeof roudi_config - 1);
    close(fd);
    if (rc)
        return rc;
    *pid = fork();
    if (*pid < 0)
        return errno;
    if (*pid == 0) {
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        die_with_parent();
        /* "-l off" quiets its log, not all it prints: the bench's output
         * is its table (or JSON), nothing else */
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        /* monitoring off: a client descheduled for a second on a loaded
         * machine must not be declared dead and torn down mid-bench */
        execl(FR_IOX_ROUDI, "iox-roudi", "-c", ROUDI_CONFIG, "-l", "off", "-m", "off",
              (char *)NULL);
        _exit(127);
    }
    /* Its socket is the sign it listens: a runtime may register then. */
    for (int ms = 0;; ms++) {
        struct stat st;
        if (stat(ROUDI_SOCKET, &st) == 0)
            return 0;
        if (exited(*pid))
            return ENOENT;
        if (ms == READY_MS)
            return ETIMEDOUT;
        sleep_ms(1);
    }
}

static int ns_main(int wfd, unsigned rounds, unsigned iters)
{
    pid_t roudi = 0, server;
    int rc, src;

    /* A /proc of this PID namespace: iceoryx names its threads through
     * /proc/self/task/TID/comm, TID as this namespace counts them. */
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
        return errno;
    if ((rc = start_roudi(&roudi)) != 0)
        goto out;
    server = fork();
    if (server < 0) {
        rc = errno;
        goto out;
    }
    if (server == 0) {
        die_with_parent();
        close(wfd);
        _exit(serve());
    }
    rc = client_run(server, wfd, rounds, iters);
    if (rc != 0)
        kill(server, SIGKILL);
    src = reap(server);
    if (rc == 0)
        rc = src;
out:
    if (roudi > 0)
        stop_roudi(roudi);
    return rc;
}

/* ---- the helper (a child of the bench): namespaces and tmpfs ---- */

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC), rc;

    if (fd < 0)
        return errno;
    rc = write_all(fd, text, strlen(text));
    close(fd);
    return rc;
}

/*
 * Root may make mount and PID namespaces; anyone else first makes a user
 * namespace in which they are root.  Then fresh tmpfs on /tmp and /dev/shm,
 * private to the mount namespace, so that RouDi's fixed names are ours.
 */
static int isolate(void)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    int flags = CLONE_NEWNS | CLONE_NEWPID, rc;
    char map[64];

    if (uid != 0)
        flags |= CLONE_NEWUSER;
    if (unshare(flags) != 0)
        return errno;
    if (uid != 0) {
        snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
        if ((rc = write_file("/proc/self/setgroups", "deny")) != 0 ||
            (rc = write_file("/proc/self/uid_map", map)) != 0)
            return rc;
        snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
        if ((rc = write_file("/proc/self/gid_map", map)) != 0)
            return rc;
    }
    /* Else our mounts would propagate back to the machine's namespace. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        mount("fracture-bench", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0 ||
        mount("fracture-bench", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") != 0)
        return errno;
    return 0;
}

int fr__peer_iceoryx_measure(int wfd, unsigned rounds, unsigned iters)
{
    int alive[2], rc;
    pid_t pid;

    if ((rc = isolate()) != 0)
        return rc;
    /* Held open by the helper alone: pid 1 sees it hang up if the helper is
     * gone before pid 1 could ask to die with it. */
    if (pipe2(alive, O_CLOEXEC) != 0)
        return errno;
    pid = fork();   /* pid 1 of the new PID namespace */
    if (pid < 0)
        return errno;
    if (pid == 0) {
        struct pollfd pfd = { .fd = alive[0], .events = POLLIN };
        close(alive[1]);
        die_with_parent();
        if (poll(&pfd, 1, 0) != 0)
            _exit(ESRCH);
        rc = ns_main(wfd, rounds, iters);
        _exit(rc >= 0 && rc < 256 ? rc : EIO);
    }
    close(alive[0]);
    close(wfd);
    rc = reap(pid);   /* then its namespace, and all in it, is gone */
    close(alive[1]);
    return rc;
}
