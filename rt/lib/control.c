/*
 * control.c - the root's control socket (control.h): what `fracture ps`
 * reads and `fracture ctl` asks of a running program.
 *
 * One thread of its own, started with the supervisor, sleeps in accept(2)
 * and serves one connection at a time: the peer's uid is checked first
 * (SO_PEERCRED), then one request line is read (with a deadline, so a
 * client that says nothing cannot hold the thread), decoded, acted on and
 * answered with one JSON object.  Nothing here is on a call's path; the
 * counters it reports are the ones the runtime keeps anyway (the `served`
 * words of the channels, /proc for CPU and memory).
 *
 * It acts only through the paths the program already has: a restart is a
 * SIGKILL of the FMP's process, which the supervisor sees as any crash
 * (the FMP comes back, its in-flight calls replayed exactly once); stop is
 * SIGTERM to the root, which stops the children in order (program.c);
 * env-next moves the restart policy's choice of environment (restart.c).
 * Signals go through a pidfd opened and checked against the FMP's record,
 * so a process that has ended and been reaped meanwhile is never hit.
 */
#include "control.h"
#include "control_req.h"

#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "config.h"
#include "diag.h"
#include "group.h"
#include "log.h"
#include "restart.h"
#include "spawn.h"
#include "state.h"

/* How long a client may take to send its line, and a restart to finish. */
#define REQUEST_MS 2000
#define RESTART_WAIT_MS 15000
#define REJOIN_WAIT_MS 1000

/* ---- what an FMP looks like ------------------------------------------------ */

static char *config_path;     /* absolute where it could be made so (malloc, kept) */

/* CPU time and resident memory of process @pid, from /proc; zeros when it
 * cannot be read (it has just ended). */
static void proc_usage(pid_t pid, unsigned long long *cpu_ms, unsigned long long *rss_kb)
{
    char path[64], buf[1024];
    unsigned long long utime = 0, stime = 0, rss = 0;
    FILE *f;

    *cpu_ms = *rss_kb = 0;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "re")))
        return;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the name may hold anything; the fields after it are plain */
    char *p = strrchr(buf, ')');
    if (!p)
        return;
    /* fields 3 (state) on: utime is field 14, stime 15, rss 24 */
    if (sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d "
                      "%*d %*d %*u %*u %llu", &utime, &stime, &rss) != 3)
        return;
    long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
    *cpu_ms = hz > 0 ? (utime + stime) * 1000 / (unsigned long long)hz : 0;
    *rss_kb = rss * (unsigned long long)(page > 0 ? page : 4096) / 1024;
}

static pid_t pid_of(int k)
{
    return k == 0 ? getpid() : __atomic_load_n(&fr__rt.fmps[k].pid, __ATOMIC_RELAXED);
}

/* One member's state as `ps` says it. */
static const char *member_state(int k)
{
    if (atomic_load(&fr__rt.exiting))
        return "ending";
    if (k == 0)
        return "up";
    if (atomic_load(&fr__rt.fmps[k].said_lost))
        return "lost";
    if (atomic_load(&fr__rt.fmps[k].gone))
        return "restarting";
    return "up";
}

static const struct fr_group *group_of(int k)
{
    int gi = fr__rt.group_of ? fr__rt.group_of[k] : -1;

    return gi < 0 ? NULL : &fr__rt.groups[gi];
}

static const char *policy_name(int k)
{
    const struct fr_group *g = group_of(k);
    const struct fr_fmp_conf *fc = fr__boot_fmp(k);

    if (g)
        return g->kind == FR_GROUP_REPLICATE ? "replicate" : "sample";
    if (k == 0)
        return "root";
    return fc && fc->restart.present ? "restart" : "plain";
}

/* The FMP's state in one word or few, the same for equal states: what
 * `ctl stats` aggregates. */
static void fmp_state(int k, char *buf, size_t cap)
{
    const struct fr_group *g = group_of(k);
    int alive = 0, lost = 0, restarting = 0, n = g ? g->n : 1;

    for (int j = 0; j < n; j++) {
        const char *s = member_state(g ? g->member[j] : k);
        alive += strcmp(s, "up") == 0;
        lost += strcmp(s, "lost") == 0;
        restarting += strcmp(s, "restarting") == 0;
        if (strcmp(s, "ending") == 0) {
            snprintf(buf, cap, "ending");
            return;
        }
    }
    if (alive == n)
        snprintf(buf, cap, "up");
    else if (lost == n)
        snprintf(buf, cap, "lost");
    else if (!g)
        snprintf(buf, cap, "restarting");
    else
        snprintf(buf, cap, "%d of %d %s up%s", alive, n,
                 g->kind == FR_GROUP_REPLICATE ? "replicas" : "instances",
                 restarting ? ", restarting" : "");
}

/* FMP @k (a configured one: a group's member 0) as one JSON object. */
static void put_fmp(FILE *f, int k)
{
    const struct fr_app *app = fr__rt.app;
    const struct fr_group *g = group_of(k);
    struct fr_restart_view v;
    unsigned long long calls = 0, cpu = 0, rss = 0;
    char state[64];
    int first = 1, n = g ? g->n : 1;

    fputs("{\"name\": ", f);
    fr__json_string(f, fr__rt.fmps[k].name);
    fmp_state(k, state, sizeof state);
    fprintf(f, ", \"index\": %d, \"policy\": \"%s\", \"state\": ", k, policy_name(k));
    fr__json_string(f, state);
    fputs(", \"modules\": [", f);
    for (unsigned m = 0; m < app->nmodules; m++) {
        /* a crowd module is listed where its plain copy runs too */
        if (fr__rt.fmp_of_module[m] != k && fr__crowd_plain(m) != k)
            continue;
        fputs(first ? "" : ", ", f);
        fr__json_string(f, app->modules[m].name);
        first = 0;
    }
    fputs("], \"members\": [", f);
    for (int j = 0; j < n; j++) {
        int mk = g ? g->member[j] : k;
        const char *ms = member_state(mk);
        unsigned long long c = fr__chan_served_by(mk), mc = 0, mr = 0;
        pid_t pid = pid_of(mk);
        int live = strcmp(ms, "up") == 0;
        if (live)
            proc_usage(pid, &mc, &mr);
        calls += c;
        cpu += mc;
        rss += mr;
        fprintf(f, "%s{\"name\": ", j ? ", " : "");
        fr__json_string(f, fr__rt.fmps[mk].name);
        fprintf(f, ", \"pid\": %d, \"state\": \"%s\", \"incarnation\": %u, \"calls\": %llu, "
                   "\"cpu_ms\": %llu, \"rss_kb\": %llu",
                live ? (int)pid : 0, ms, mk ? atomic_load(&fr__rt.fmps[mk].incarnation) : 0,
                c, mc, mr);
        if (g && g->kind == FR_GROUP_SAMPLE)
            fprintf(f, ", \"weight\": %u, \"recycle_after_calls\": %llu", g->weight[j],
                    (unsigned long long)g->recycle[j]);
        fputc('}', f);
    }
    fprintf(f, "], \"calls\": %llu, \"cpu_ms\": %llu, \"rss_kb\": %llu", calls, cpu, rss);
    if (g)
        fprintf(f, ", \"%s\": %d, \"members_restart\": %s",
                g->kind == FR_GROUP_REPLICATE ? "replicas" : "instances", n,
                g->restarts ? "true" : "false");
    if (fr__restart_view(k, &v) == 0)
        fprintf(f, ", \"restart\": {\"restarts\": %u, \"in_window\": %u, \"max\": %u, "
                   "\"window_s\": %u, \"environments\": %u, \"env\": %d, \"env_next\": %d}",
                v.restarts, v.in_window, v.max, v.window_s, v.nenvs, v.env,
                v.nenvs ? (int)v.env_next : -1);
    fputc('}', f);
}

/* ---- acting on FMPs -------------------------------------------------------- */

/*
 * Send @sig to member @k's process as its record has it now; the
 * incarnation signalled in *@gen.  A pidfd, then the record checked again:
 * a process reaped before the pidfd was opened is not the FMP's any more,
 * and its pid may be another's.
 */
static int signal_member(int k, int sig, uint32_t *gen)
{
    struct fr_fmp *f = &fr__rt.fmps[k];
    uint32_t g = atomic_load(&f->incarnation);
    pid_t pid = pid_of(k);
    int fd, rc = 0;

    if (atomic_load(&f->gone) || pid <= 0)
        return -ESRCH;
    fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0)
        return -errno;
    if (atomic_load(&f->gone) || pid_of(k) != pid || atomic_load(&f->incarnation) != g)
        rc = -ESRCH;
    else if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
        rc = -errno;
    close(fd);
    if (gen)
        *gen = g;
    return rc;
}

struct answer {
    int k;
    int ok;
    char text[200];
    uint32_t gen;             /* restart: the incarnation killed */
    int waiting;              /* restart: to wait for */
};

static void say(struct answer *a, int ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct answer *a, int ok, const char *fmt, ...)
{
    va_list ap;

    a->ok = ok;
    va_start(ap, fmt);
    vsnprintf(a->text, sizeof a->text, fmt, ap);
    va_end(ap);
}

/* Whether member @k (an FMP, or one member of a group) may be restarted
 * now: 1, or 0 with the reason said in @a. */
static int may_restart(struct answer *a, int k, const char *who)
{
    struct fr_restart_view v;

    if (strcmp(member_state(k), "up") != 0) {
        say(a, 0, "%s is %s", who, member_state(k));
        return 0;
    }
    /* the budget would lose the FMP instead of bringing it back */
    if (fr__restart_view(k, &v) == 0 && v.in_window >= v.max) {
        say(a, 0, "%s has spent its restart budget (%u restarts within %u s, restart.max)",
            who, v.in_window, v.window_s);
        return 0;
    }
    return 1;
}

/* Kill member @k so that the supervisor restarts it as after any crash;
 * a->gen and a->waiting say what await_restarts waits for. */
static int kill_to_restart(struct answer *a, int k, const char *who)
{
    fr__log("fracture ctl: restarting %s (pid %d) as asked", who, (int)pid_of(k));
    int rc = signal_member(k, SIGKILL, &a->gen);
    if (rc < 0) {
        say(a, 0, "cannot kill %s to restart it: %s", who, strerror(-rc));
        return rc;
    }
    a->waiting = 1;
    say(a, 0, "still restarting after %d s", RESTART_WAIT_MS / 1000);
    return 0;
}

static void await_restarts(struct answer *as, int n);

/*
 * A group's members one after the other, each back before the next is
 * killed: a replicated group votes with the replicas left meanwhile (and
 * the one restarted rejoins at its next call), a sampled one sends the
 * killed instance's calls to its restart as after any crash, so that the
 * program never sees the group all down at once.  Only a group whose
 * members restart (restart: beside replicate: or sample:).
 */
static void restart_group(struct answer *a, const struct fr_group *g)
{
    const char *name = fr__rt.fmps[a->k].name;
    const char *what = g->kind == FR_GROUP_REPLICATE ? "replica" : "instance";
    char who[96];

    if (!g->restarts) {
        say(a, 0, "FMP '%s' is a %s group without restart: beside it; a %s killed would be "
                  "lost (add restart: to the FMP, or signal its members instead)",
            name, policy_name(a->k), what);
        return;
    }
    for (int j = 0; j < g->n; j++) {
        snprintf(who, sizeof who, "%s %d of FMP '%s'", what, j, name);
        if (!may_restart(a, g->member[j], who))
            return;
    }
    for (int j = 0; j < g->n; j++) {
        struct answer m = { .k = g->member[j] };
        snprintf(who, sizeof who, "%s %d of FMP '%s'", what, j, name);
        if (kill_to_restart(&m, m.k, who) < 0 || (await_restarts(&m, 1), !m.ok)) {
            say(a, 0, "%s: %s (%d of %d %ss restarted before it)", who, m.text, j, g->n, what);
            return;
        }
        /* Back is not yet rejoined: a call that was in flight at the kill
         * waited for this member's return before it asks the others, and
         * the next kill must not meet it there (a vote of one of three).
         * Once the member has served a call of its own, the calls of that
         * moment are done; an idle program goes on after REJOIN_WAIT_MS. */
        unsigned long long served = fr__chan_served_by(m.k);
        struct timespec nap = { 0, 1000000 };
        for (int w = 0; w < REJOIN_WAIT_MS && fr__chan_served_by(m.k) == served; w++)
            nanosleep(&nap, NULL);
    }
    say(a, 1, "restarted %d of %d %ss, one after the other", g->n, g->n, what);
}

static void act_restart(struct answer *a)
{
    int k = a->k;
    const struct fr_group *g = group_of(k);
    char who[96];

    if (k == 0) {
        say(a, 0, "the root FMP holds main and is never restarted (stop the program instead)");
        return;
    }
    if (g) {
        restart_group(a, g);
        return;
    }
    snprintf(who, sizeof who, "FMP '%s'", fr__rt.fmps[k].name);
    if (fr__restart_view(k, &(struct fr_restart_view){ 0 }) == -ENOENT) {
        say(a, 0, "%s has no restart: policy; killed, it would be lost", who);
        return;
    }
    if (may_restart(a, k, who))
        kill_to_restart(a, k, who);
}

/* Wait for every FMP a restart killed to be back (or lost). */
static void await_restarts(struct answer *as, int n)
{
    struct timespec nap = { 0, 2 * 1000000 };

    for (int waited = 0; waited < RESTART_WAIT_MS; waited += 2) {
        int left = 0;
        for (int i = 0; i < n; i++) {
            struct fr_fmp *f = &fr__rt.fmps[as[i].k];
            if (!as[i].waiting)
                continue;
            if (atomic_load(&f->said_lost)) {
                say(&as[i], 0, "lost: its restart failed (the program's stderr says why)");
                as[i].waiting = 0;
            } else if (atomic_load(&f->incarnation) != as[i].gen && !atomic_load(&f->gone)) {
                say(&as[i], 1, "restarted");
                as[i].waiting = 0;
            }
            left += as[i].waiting;
        }
        if (!left)
            return;
        nanosleep(&nap, NULL);
    }
}

static void act_signal(struct answer *a, int sig, int *self_sig)
{
    const struct fr_group *g = group_of(a->k);
    int n = g ? g->n : 1, sent = 0, rc = 0;
    const char *abbrev = sigabbrev_np(sig);
    char name[32];

    if (abbrev)
        snprintf(name, sizeof name, "SIG%s", abbrev);
    else
        snprintf(name, sizeof name, "signal %d", sig);
    if (a->k == 0) {
        *self_sig = sig;      /* after the answer is out */
        say(a, 1, "sent %s", name);
        return;
    }
    for (int j = 0; j < n; j++) {
        int r = signal_member(g ? g->member[j] : a->k, sig, NULL);
        if (r == 0)
            sent++;
        else if (r != -ESRCH)
            rc = r;
    }
    if (rc < 0)
        say(a, 0, "cannot send %s: %s", name, strerror(-rc));
    else if (!sent)
        say(a, 0, "no process to send %s to (FMP %s)", name,
            member_state(g ? g->member[0] : a->k));
    else if (n == 1)
        say(a, 1, "sent %s", name);
    else
        say(a, 1, "sent %s to %d of %d members", name, sent, n);
}

static void act_env_next(struct answer *a)
{
    const char *name = fr__rt.fmps[a->k].name;
    struct fr_restart_view v;
    int rc = group_of(a->k) || a->k == 0 ? -ENOENT : fr__restart_env_next(a->k);

    if (rc == 0 && fr__restart_view(a->k, &v) == 0)
        say(a, 1, "next restart uses restart.environments[%u]", v.env_next);
    else if (rc == -ENOENT)
        say(a, 0, "FMP '%s' has no restart: policy of its own", name);
    else if (rc == -ENODATA)
        say(a, 0, "FMP '%s' has no restart.environments", name);
    else if (rc == -ERANGE && fr__restart_view(a->k, &v) == 0)
        say(a, 0, "its next restart uses the last of restart.environments ([%u]) already",
            v.nenvs - 1);
    else
        say(a, 0, "cannot: %s", strerror(rc < 0 ? -rc : ENOMEM));
}

/*
 * The answer to @req as a JSON object in @f.  *@self_sig: a signal the
 * root sends itself once the answer is out (stop, or signal to the root).
 */
static void answer(FILE *f, const struct fr_control_req *req, int *self_sig)
{
    int n = fr__rt.nfmps, na = 0, root_in = 0;
    struct answer as[n];
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);

    exe[len > 0 ? len : 0] = '\0';
    for (int k = 0; k < n; k++) {
        if (fr__group_primary(k) != k || fnmatch(req->glob, fr__rt.fmps[k].name, 0) != 0)
            continue;
        memset(&as[na], 0, sizeof as[na]);
        as[na++].k = k;
        root_in |= k == 0;
    }
    for (int i = 0; i < na; i++) {
        struct answer *a = &as[i];
        char state[64];
        switch (req->action) {
        case FR_CONTROL_STATS:
            fmp_state(a->k, state, sizeof state);
            say(a, strcmp(state, "up") == 0, "%s", state);
            break;
        case FR_CONTROL_RESTART:
            act_restart(a);
            break;
        case FR_CONTROL_STOP:
            /* the program ends as a whole, its children in order */
            if (root_in)
                say(a, 1, a->k == 0 ? "stopping" : "stopping with the program");
            else
                say(a, 0, "stop ends a whole program: target it as APP or APP/%s; to end "
                          "one FMP, signal it", fr__rt.fmps[0].name);
            break;
        case FR_CONTROL_SIGNAL:
            act_signal(a, req->signo, self_sig);
            break;
        case FR_CONTROL_ENV_NEXT:
            act_env_next(a);
            break;
        }
    }
    if (req->action == FR_CONTROL_RESTART)
        await_restarts(as, na);
    if (req->action == FR_CONTROL_STOP && root_in)
        *self_sig = SIGTERM;

    fprintf(f, "{\"version\": 1, \"app\": ");
    fr__json_string(f, fr__rt.app->name ? fr__rt.app->name : "");
    fprintf(f, ", \"pid\": %d, \"uid\": %u, \"config\": ", (int)getpid(), (unsigned)geteuid());
    fr__json_string(f, config_path);
    fputs(", \"exe\": ", f);
    fr__json_string(f, exe);
    fprintf(f, ", \"action\": \"%s\", \"glob\": ", fr__control_action_name(req->action));
    fr__json_string(f, req->glob);
    fputs(", \"fmps\": [", f);
    for (int i = 0; i < na; i++) {
        fputs(i ? ", " : "", f);
        put_fmp(f, as[i].k);
    }
    fputs("], \"answers\": [", f);
    for (int i = 0; i < na; i++) {
        fprintf(f, "%s{\"fmp\": ", i ? ", " : "");
        fr__json_string(f, fr__rt.fmps[as[i].k].name);
        fprintf(f, ", \"ok\": %s, \"answer\": ", as[i].ok ? "true" : "false");
        fr__json_string(f, as[i].text);
        fputc('}', f);
    }
    fputs("]}\n", f);
}

/* ---- the socket ------------------------------------------------------------ */

static int listen_fd = -1;

static void reply_error(FILE *f, const char *msg)
{
    fputs("{\"version\": 1, \"error\": ", f);
    fr__json_string(f, msg);
    fputs("}\n", f);
}

static void send_all(int c, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(c, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;           /* the client went away: nothing to tell it */
        p += w;
        n -= (size_t)w;
    }
}

/* One request line from @c, at most FR_CONTROL_REQ_MAX + 1 bytes (one more
 * than a request may be: the decoder then says it is too long). */
static size_t read_request(int c, char *buf, size_t cap)
{
    size_t got = 0;

    while (got < cap && !memchr(buf, '\n', got)) {
        ssize_t r = recv(c, buf + got, cap - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;            /* end, or the deadline: decode what came */
        got += (size_t)r;
    }
    return got;
}

static void serve_one(int c)
{
    struct ucred cred;
    socklen_t clen = sizeof cred;
    struct timeval tv = { REQUEST_MS / 1000, (REQUEST_MS % 1000) * 1000 };
    char buf[FR_CONTROL_REQ_MAX + 1], err[200];
    struct fr_control_req req;
    char *out = NULL;
    size_t outlen = 0;
    int self_sig = 0;
    FILE *f = open_memstream(&out, &outlen);

    if (!f)
        return;
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0) {
        reply_error(f, "cannot tell who you are (SO_PEERCRED); refused");
    } else if (cred.uid != geteuid()) {
        /* the one check that keeps other users out: an abstract socket has
         * no file mode */
        fr__log("refused a control connection from uid %u (pid %d): this program's control "
                "socket answers uid %u only", (unsigned)cred.uid, (int)cred.pid,
                (unsigned)geteuid());
        snprintf(err, sizeof err, "permission denied: this program's control socket answers "
                 "uid %u only (its owner), and you are uid %u", (unsigned)geteuid(),
                 (unsigned)cred.uid);
        reply_error(f, err);
    } else {
        size_t n = read_request(c, buf, sizeof buf);
        if (fr__control_parse(buf, n, &req, err, sizeof err) < 0)
            reply_error(f, err);
        else
            answer(f, &req, &self_sig);
    }
    if (fclose(f) == 0)
        send_all(c, out, outlen);
    free(out);
    shutdown(c, SHUT_RDWR);
    close(c);
    if (self_sig)
        kill(getpid(), self_sig);
}

static void *serve_main(void *arg)
{
    sigset_t all;

    (void)arg;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    for (;;) {
        int c = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (c >= 0) {
            serve_one(c);
            continue;
        }
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
            continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            /* out of descriptors or memory for now: try again later */
            struct timespec nap = { 0, 100 * 1000000 };
            nanosleep(&nap, NULL);
            continue;
        }
        fr__log("the control socket failed (%s); `fracture ps` will not see this program",
                strerror(errno));
        return NULL;
    }
}

/* A process the program forks without exec (a server's worker) must not
 * hold the socket: the name would outlive the root, and nobody would
 * answer on it. */
static void close_in_child(void)
{
    if (listen_fd >= 0)
        close(listen_fd);
    listen_fd = -1;
}

int fr__control_start(const char *config)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    size_t len = fr__control_name(sa.sun_path, sizeof sa.sun_path, geteuid(), getpid());
    pthread_attr_t attr;
    pthread_t t;
    int rc;

    if (!len)
        return -ENAMETOOLONG;
    config_path = config ? realpath(config, NULL) : NULL;
    if (!config_path && config)
        config_path = strdup(config);
    listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (listen_fd < 0)
        return -errno;
    if (bind(listen_fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0 ||
        listen(listen_fd, 16) < 0) {
        rc = -errno;
        close(listen_fd);
        listen_fd = -1;
        return rc;
    }
    pthread_atfork(NULL, NULL, close_in_child);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    rc = pthread_create(&t, &attr, serve_main, NULL);
    pthread_attr_destroy(&attr);
    if (rc) {
        close(listen_fd);
        listen_fd = -1;
        return -rc;
    }
    return 0;
}
