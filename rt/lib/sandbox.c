/*
 * sandbox.c - `env: {sandbox: strict}` and sandbox profiles.
 *
 * A sandboxed FMP runs a computing module: it computes on what its calls
 * bring, over descriptors it already holds.  So, as Chromium's renderer
 * policy and systemd's SystemCallFilter= sets do, the filter is an
 * allow-list, and what is not on it falls into one of two classes:
 *
 *   EPERM  calls a library may try and cope with failing: every path of
 *          the filesystem (open, stat, readlink, ...), sockets and network,
 *          new processes and exec, signals / tracing / /proc-like access to
 *          another process (kill, tgkill, pidfd_*, ptrace,
 *          process_vm_*), identity and namespaces (setuid, unshare, ...).
 *   kill   everything else (mount, bpf, keyctl, perf_event_open, acct,
 *          reboot, io_uring, ...): no computing module has a reason to
 *          make them, so one that does is taken over, and it ends alone
 *          (SECCOMP_RET_KILL_PROCESS: the root sees SIGSYS, and restarts
 *          it if its policy says so).
 *
 * Arguments are checked where a call is fine for oneself and not for
 * others: kill/tgkill/rt_(tg)sigqueueinfo only to its own pid, clone only
 * for a thread, prlimit64 only on itself, prctl only to name a thread,
 * ioctl only TCGETS (stdio asks whether a stream is a terminal), fstat
 * only on a descriptor (AT_EMPTY_PATH).
 *
 * A profile (`sandbox: FILE`) changes the strict set: its `allow`, `errno`
 * and `kill` lists move syscalls, by name, into each class.
 *
 * The filter is installed by the child itself, after exec (so that the
 * dynamic loader, Valgrind-free, runs unfiltered) and before it maps a
 * request: the agents of `preload:` are the deployer's, and run before it.
 * Namespaces are entered between fork and exec (fr__sandbox_unshare): a
 * user namespace (which also takes away every capability over the rest of
 * the system) and a network namespace (no interface but a loopback that is
 * down).  No pid namespace (see fr__sandbox_unshare): the FMP keeps its
 * pid in the root's namespace, so the root's pidfd, its signals and
 * PR_SET_PDEATHSIG work as for any FMP, and the filter refuses it every
 * signal to another process.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <talloc.h>
#include <unistd.h>
#include <yaml.h>

#include "config.h"
#include "diag.h"
#include "sandbox.h"
#include "slurp.h"

#define PROFILE_MAX_BYTES (64 * 1024)

/* Allowed as they are. */
static const char *const allowed[] = {
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev", "preadv2",
    "pwritev2", "lseek", "fstat", "close", "close_range", "fcntl", "dup", "dup2", "dup3", "fsync",
    "fdatasync", "mmap", "munmap", "mprotect", "mremap", "madvise", "brk", "msync", "mincore",
    "membarrier", "futex", "futex_waitv", "get_robust_list", "set_robust_list", "rseq",
    "set_tid_address", "exit", "exit_group", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
    "rt_sigpending", "rt_sigtimedwait", "rt_sigsuspend", "sigaltstack", "restart_syscall",
    "getpid", "gettid", "getppid", "getuid", "geteuid", "getgid", "getegid", "getresuid",
    "getresgid", "getgroups", "getpgrp", "getpgid", "getsid", "getrlimit", "getrusage",
    "times", "sysinfo", "uname", "getcpu", "sched_getaffinity", "sched_yield",
    "sched_getparam", "sched_getscheduler", "getpriority", "clock_gettime", "clock_getres",
    "clock_nanosleep", "nanosleep", "gettimeofday", "time", "poll", "ppoll", "select",
    "pselect6", "epoll_create1", "epoll_ctl", "epoll_wait", "epoll_pwait", "epoll_pwait2",
    "eventfd2", "pipe2", "recvmsg", "sendmsg", "recvfrom", "sendto", "recvmmsg", "sendmmsg",
    "shutdown", "getsockopt", "setsockopt", "getsockname", "getpeername", "getrandom",
};

/* Fail with EPERM (unless an argument rule below allows the call). */
static const char *const refused[] = {
    /* the filesystem, by path */
    "open", "openat", "openat2", "creat", "access", "faccessat", "faccessat2", "stat", "lstat",
    "readlink", "readlinkat", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat", "rename",
    "renameat", "renameat2", "link", "linkat", "symlink", "symlinkat", "chmod", "fchmod",
    "fchmodat", "chown", "fchown", "fchownat", "lchown", "truncate", "ftruncate", "utimensat",
    "chdir", "fchdir", "getcwd", "statfs", "fstatfs", "getdents64", "inotify_init1", "mknod",
    "mknodat", "name_to_handle_at", "open_by_handle_at", "memfd_create",
    /* the network */
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    /* other processes */
    "fork", "vfork", "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev",
    "tkill", "pidfd_open", "pidfd_send_signal", "pidfd_getfd", "wait4", "waitid", "kcmp",
    "setpriority", "sched_setaffinity", "sched_setscheduler", "sched_setparam", "setrlimit",
    /* identity, privileges, namespaces */
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid", "setgroups",
    "setfsuid", "setfsgid", "capset", "capget", "unshare", "setns", "seccomp",
};

struct rule {
    const char *name;
    unsigned arg;
    enum scmp_compare op;
    scmp_datum_t a, b;        /* MASKED_EQ: mask a, value b; else a */
};

static void add(scmp_filter_ctx f, uint32_t action, const char *name, int *bad)
{
    int nr = seccomp_syscall_resolve_name(name);

    /* A name this architecture lacks (open on arm64, say) is no hole. */
    if (nr != __NR_SCMP_ERROR && seccomp_rule_add(f, action, nr, 0) < 0)
        *bad = 1;
}

static void add_arg(scmp_filter_ctx f, uint32_t action, const struct rule *r, int *bad)
{
    int nr = seccomp_syscall_resolve_name(r->name);
    struct scmp_arg_cmp c = { r->arg, r->op, r->a, r->b };

    if (nr != __NR_SCMP_ERROR && seccomp_rule_add_array(f, action, nr, 1, &c) < 0)
        *bad = 1;
}

static int in(const int *v, size_t n, int nr)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == nr)
            return 1;
    return 0;
}

/* Every syscall the profile names goes to its class, out of the strict
 * set's rules: the profile's word wins. */
static int named_by(const struct fr_sandbox_prof *p, const char *name)
{
    int nr = seccomp_syscall_resolve_name(name);

    return p && nr != __NR_SCMP_ERROR &&
           (in(p->allow, p->nallow, nr) || in(p->eperm, p->neperm, nr) || in(p->kill, p->nkill, nr));
}

static scmp_filter_ctx build(const struct fr_sandbox_prof *p, int *nallowed)
{
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);
    uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
    scmp_datum_t self = (scmp_datum_t)getpid();
    int bad = 0;

    if (!f)
        return NULL;
    /* Every thread, those a preload agent made too, and no_new_privs. */
    if (seccomp_attr_set(f, SCMP_FLTATR_CTL_TSYNC, 1) < 0 ||
        seccomp_attr_set(f, SCMP_FLTATR_CTL_NNP, 1) < 0)
        bad = 1;
    *nallowed = 0;
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
        if (!named_by(p, allowed[i])) {
            add(f, SCMP_ACT_ALLOW, allowed[i], &bad);
            ++*nallowed;
        }
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
        if (!named_by(p, refused[i]))
            add(f, eperm, refused[i], &bad);
    /* glibc's pthread_create tries clone3 first and falls back to clone,
     * whose flags a filter can see. */
    if (!named_by(p, "clone3"))
        add(f, SCMP_ACT_ERRNO(ENOSYS), "clone3", &bad);

    /* Fine for oneself, refused (EPERM) for anyone else: pairs of rules
     * that do not overlap. */
    const struct rule pairs[][2] = {
        { { "kill", 0, SCMP_CMP_EQ, self, 0 }, { "kill", 0, SCMP_CMP_NE, self, 0 } },
        { { "tgkill", 0, SCMP_CMP_EQ, self, 0 }, { "tgkill", 0, SCMP_CMP_NE, self, 0 } },
        { { "rt_sigqueueinfo", 0, SCMP_CMP_EQ, self, 0 },
          { "rt_sigqueueinfo", 0, SCMP_CMP_NE, self, 0 } },
        { { "rt_tgsigqueueinfo", 0, SCMP_CMP_EQ, self, 0 },
          { "rt_tgsigqueueinfo", 0, SCMP_CMP_NE, self, 0 } },
        { { "prlimit64", 0, SCMP_CMP_EQ, 0, 0 }, { "prlimit64", 0, SCMP_CMP_NE, 0, 0 } },
        { { "clone", 0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD },
          { "clone", 0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0 } },
        { { "ioctl", 1, SCMP_CMP_EQ, TCGETS, 0 }, { "ioctl", 1, SCMP_CMP_NE, TCGETS, 0 } },
        { { "newfstatat", 3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH },
          { "newfstatat", 3, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, 0 } },
        { { "statx", 2, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH },
          { "statx", 2, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, 0 } },
        { { "prctl", 0, SCMP_CMP_EQ, PR_SET_NAME, 0 }, { "prctl", 0, SCMP_CMP_LT, PR_SET_NAME, 0 } },
        { { "prctl", 0, SCMP_CMP_EQ, PR_GET_NAME, 0 }, { "prctl", 0, SCMP_CMP_GT, PR_GET_NAME, 0 } },
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (named_by(p, pairs[i][0].name))
            continue;
        add_arg(f, SCMP_ACT_ALLOW, &pairs[i][0], &bad);
        add_arg(f, eperm, &pairs[i][1], &bad);
        *nallowed += i == 0 || strcmp(pairs[i][0].name, pairs[i - 1][0].name) != 0;
    }
    for (size_t i = 0; p && i < p->nallow; i++)
        bad |= seccomp_rule_add(f, SCMP_ACT_ALLOW, p->allow[i], 0) < 0;
    for (size_t i = 0; p && i < p->neperm; i++)
        bad |= seccomp_rule_add(f, eperm, p->eperm[i], 0) < 0;
    for (size_t i = 0; p && i < p->nkill; i++)
        bad |= seccomp_rule_add(f, SCMP_ACT_KILL_PROCESS, p->kill[i], 0) < 0;
    *nallowed += p ? (int)p->nallow : 0;
    if (bad) {
        seccomp_release(f);
        return NULL;
    }
    return f;
}

/* ---- the profile file -------------------------------------------------- */

static int load_list(void *ctx, const char *path, yaml_document_t *doc, yaml_node_t *key,
                     yaml_node_t *v, int **out, size_t *n, struct fr_diag *d)
{
    int rc = 0;

    if (v->type != YAML_SEQUENCE_NODE)
        return fr__diag_add(d, path, (unsigned)v->start_mark.line + 1,
                            (unsigned)v->start_mark.column + 1, "write `[]` for none",
                            "'%s' is a list of syscall names", (const char *)key->data.scalar.value);
    size_t cap = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    *out = talloc_array(ctx, int, cap ? cap : 1);
    if (!*out)
        return -ENOMEM;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *s = yaml_document_get_node(doc, *it);
        if (!s)
            continue;
        unsigned line = (unsigned)s->start_mark.line + 1, col = (unsigned)s->start_mark.column + 1;
        if (s->type != YAML_SCALAR_NODE) {
            rc = fr__diag_add(d, path, line, col, NULL, "expected a syscall name");
            continue;
        }
        const char *name = (const char *)s->data.scalar.value;
        int nr = seccomp_syscall_resolve_name(name);
        if (nr == __NR_SCMP_ERROR || nr < 0) {
            rc = fr__diag_add(d, path, line, col, "names as in syscalls(2): openat, kill, ...",
                              "unknown syscall '%s' (on this architecture)", name);
            continue;
        }
        (*out)[(*n)++] = nr;
    }
    return rc;
}

int fr__sandbox_profile_load(void *ctx, const char *path, struct fr_sandbox_prof **out,
                             struct fr_diag *d)
{
    static const char *const keys[] = { "allow", "errno", "kill" };
    struct fr_sandbox_prof *p = talloc_zero(ctx, struct fr_sandbox_prof);
    yaml_parser_t parser;
    yaml_document_t doc;
    size_t len;
    char *buf;
    int rc = 0;

    *out = NULL;
    if (!p)
        return -ENOMEM;
    if (!(buf = fr__slurp_file(p, path, PROFILE_MAX_BYTES, &len)))
        return errno == ENOMEM ? -ENOMEM
                               : fr__diag_add(d, path, 0, 0,
                                              "`sandbox:` is 'strict', 'none', or a profile file",
                                              "cannot read the sandbox profile: %s",
                                              strerror(errno));
    if (len > PROFILE_MAX_BYTES)
        return fr__diag_add(d, path, 0, 0, NULL, "a sandbox profile is at most %d KiB",
                            PROFILE_MAX_BYTES / 1024);
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, (size_t)len);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = fr__diag_add(d, path, (unsigned)parser.problem_mark.line + 1,
                          (unsigned)parser.problem_mark.column + 1, NULL, "%s",
                          parser.problem ? parser.problem : "malformed YAML");
        yaml_parser_delete(&parser);
        return rc;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root || root->type != YAML_MAPPING_NODE) {
        rc = fr__diag_add(d, path, root ? (unsigned)root->start_mark.line + 1 : 0,
                          root ? (unsigned)root->start_mark.column + 1 : 0,
                          "e.g. {allow: [getdents64], errno: [], kill: [socket]}",
                          "a sandbox profile is a mapping of allow, errno and kill");
        goto out_doc;
    }
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start;
         pr < root->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(&doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(&doc, pr->value);
        size_t which = 3;
        if (!k || !v)
            continue;
        for (size_t i = 0; k->type == YAML_SCALAR_NODE && i < 3; i++)
            if (strcmp((const char *)k->data.scalar.value, keys[i]) == 0)
                which = i;
        if (which == 3) {
            const char *s = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
            const char *best = fr__suggest(s, keys, 3);
            char hint[64];
            snprintf(hint, sizeof hint, "did you mean '%s'?", best ? best : "");
            rc = fr__diag_add(d, path, (unsigned)k->start_mark.line + 1,
                              (unsigned)k->start_mark.column + 1,
                              best ? hint : "the keys are allow, errno and kill",
                              "unknown key '%s' in a sandbox profile", s);
            continue;
        }
        int **list = which == 0 ? &p->allow : which == 1 ? &p->eperm : &p->kill;
        size_t *n = which == 0 ? &p->nallow : which == 1 ? &p->neperm : &p->nkill;
        if (*list) {
            rc = fr__diag_add(d, path, (unsigned)k->start_mark.line + 1,
                              (unsigned)k->start_mark.column + 1, NULL, "duplicate key '%s'",
                              keys[which]);
            continue;
        }
        int lrc = load_list(p, path, &doc, k, v, list, n, d);
        if (lrc < 0)
            rc = lrc;
    }
out_doc:
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    talloc_free(buf);
    if (rc == 0)
        *out = p;
    return rc;
}

/* ---- root and launch --------------------------------------------------- */

int fr__sandbox_wanted(const struct fr_env *env)
{
    return env && env->sandbox && strcmp(env->sandbox, "none") != 0;
}

/* "NS:allow;eperm;kill", each a comma-separated list of numbers; NS is
 * three characters the launch fills in ('u', 'p', 'n' or '-'). */
char *fr__sandbox_encode(void *ctx, const struct fr_env *env)
{
    const struct fr_sandbox_prof *p = env->sandbox_prof;
    char *s = talloc_strdup(ctx, "---:");

    for (int l = 0; s && l < 3; l++) {
        const int *v = !p ? NULL : l == 0 ? p->allow : l == 1 ? p->eperm : p->kill;
        size_t n = !p ? 0 : l == 0 ? p->nallow : l == 1 ? p->neperm : p->nkill;
        for (size_t i = 0; s && i < n; i++)
            s = talloc_asprintf_append(s, "%s%d", i ? "," : "", v[i]);
        if (s && l < 2)
            s = talloc_strdup_append(s, ";");
    }
    if (!s)
        errno = ENOMEM;
    return s;
}

int fr__sandbox_unshare(char *value)
{
    /* The most first: a user namespace lets an unprivileged process have
     * a network namespace; a root without one may still get that.  No pid
     * namespace: unshare(CLONE_NEWPID) would forbid the FMP its threads
     * (EINVAL for CLONE_THREAD once pid_for_children differs), and an FMP
     * made pid 1 of one would ignore the default-action signals it sends
     * itself (abort() would not end it).  The filter keeps its signals to
     * itself instead. */
    static const int tries[] = { FR_NS_USER | FR_NS_NET, FR_NS_NET, FR_NS_USER };
    int got = 0;

    for (size_t i = 0; i < sizeof tries / sizeof tries[0] && !got; i++) {
        int fl = (tries[i] & FR_NS_USER ? CLONE_NEWUSER : 0) |
                 (tries[i] & FR_NS_PID ? CLONE_NEWPID : 0) |
                 (tries[i] & FR_NS_NET ? CLONE_NEWNET : 0);
        if (unshare(fl) == 0)
            got = tries[i];
    }
    if (value) {
        value[0] = got & FR_NS_USER ? 'u' : '-';
        value[1] = got & FR_NS_PID ? 'p' : '-';
        value[2] = got & FR_NS_NET ? 'n' : '-';
    }
    return got;
}

int fr__sandbox_probe(void)
{
    int st = 0;
    pid_t pid = fork();

    if (pid < 0)
        return 0;
    if (pid == 0)
        _exit(fr__sandbox_unshare(NULL));
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 0;
}

const char *fr__sandbox_ns_names(int ns, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s%s", ns & FR_NS_USER ? "user" : "",
             (ns & FR_NS_USER) && (ns & (FR_NS_PID | FR_NS_NET)) ? ", " : "",
             ns & FR_NS_PID ? (ns & FR_NS_NET ? "pid, net" : "pid") : ns & FR_NS_NET ? "net" : "",
             ns ? "" : "none");
    return buf;
}

/* ---- the child --------------------------------------------------------- */

static int decode_list(void *ctx, const char **s, int **out, size_t *n)
{
    size_t cap = 1;

    for (const char *p = *s; *p && *p != ';'; p++)
        cap += *p == ',';
    *out = talloc_array(ctx, int, cap);
    if (!*out)
        return -ENOMEM;
    while (**s && **s != ';') {
        char *end;
        long v = strtol(*s, &end, 10);
        if (end == *s || v < 0 || v > 4096 || *n >= cap)
            return -EINVAL;
        (*out)[(*n)++] = (int)v;
        *s = *end == ',' ? end + 1 : end;
    }
    if (**s == ';')
        ++*s;
    return 0;
}

static char announce[320];

void fr__sandbox_announce(void)
{
    if (announce[0] && write(2, announce, strlen(announce)) < 0)
        return;
}

int fr__sandbox_enter(const char *name)
{
    const char *v = getenv("FRACTURE_SANDBOX");
    void *ctx;
    struct fr_sandbox_prof p = { 0 };
    scmp_filter_ctx f;
    int rc, nallowed, ns;
    char nsbuf[32];

    if (!v)
        return 0;
    ctx = talloc_new(NULL);
    if (!ctx || strlen(v) < 4 || v[3] != ':')
        goto out_inval;
    ns = (v[0] == 'u' ? FR_NS_USER : 0) | (v[1] == 'p' ? FR_NS_PID : 0) |
         (v[2] == 'n' ? FR_NS_NET : 0);
    const char *s = v + 4;
    if (decode_list(ctx, &s, &p.allow, &p.nallow) < 0 ||
        decode_list(ctx, &s, &p.eperm, &p.neperm) < 0 ||
        decode_list(ctx, &s, &p.kill, &p.nkill) < 0)
        goto out_inval;
    f = build(&p, &nallowed);
    if (!f) {
        talloc_free(ctx);
        return -ENOMEM;
    }
    /* Said once the FMP serves (fr__sandbox_announce): a warm spare that
     * never takes over says nothing. */
    snprintf(announce, sizeof announce,
             "fracture: %s: sandbox: seccomp filter (%d syscalls allowed, the filesystem, "
             "network and other processes refused with EPERM, the rest killing this FMP); "
             "namespaces: %s\n",
             name, nallowed, fr__sandbox_ns_names(ns, nsbuf, sizeof nsbuf));
    rc = seccomp_load(f);
    seccomp_release(f);
    talloc_free(ctx);
    unsetenv("FRACTURE_SANDBOX");
    return rc < 0 ? rc : 0;
out_inval:
    talloc_free(ctx);
    return -EINVAL;
}
