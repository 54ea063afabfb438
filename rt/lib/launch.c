/*
 * launch.c - start one child FMP: fork, apply its environment, exec the
 * same binary (so that Valgrind and preloads apply to a fresh image).
 *
 * Everything that allocates is done before fork(): between fork and exec
 * the child only makes async-signal-safe calls, since another thread of
 * the root may hold the malloc lock.  A failure in the child is written to
 * a CLOEXEC pipe, so the root can say which step failed; an exec that
 * works closes the pipe and the root reads nothing.
 *
 * The child dies with the root: PR_SET_PDEATHSIG survives exec, and the
 * parent check right after it closes the race with a root that died before
 * the prctl.
 *
 * Isolation (DESIGN): the child keeps stdin, stdout, stderr and the
 * descriptors it is given (its regions, their sockets, its control
 * socket); every other descriptor of the root is closed before exec,
 * whatever its CLOEXEC flag, those the app made before or after fr_main
 * included (a warm spare is forked long after main() began).  Closing
 * before exec leaves Valgrind's own descriptors alone: it opens them after.
 * A child of a root running as root drops every capability (the bounding
 * set too, so that the exec of a root-owned binary gives none back)
 * unless its environment says `privileges: keep`.  A sandboxed one enters
 * its namespaces here (sandbox.c); its filter comes after exec.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <talloc.h>
#include <unistd.h>

#include "launch.h"
#include "sandbox.h"

extern char **environ;

struct child_err {
    int stage;
    int err;
};

static const char *const stages[] = {
    "prctl(PR_SET_PDEATHSIG)", "the root exited", "setrlimit(RLIMIT_AS)",
    "setrlimit(RLIMIT_CPU)", "setrlimit(RLIMIT_NOFILE)", "setrlimit(RLIMIT_CORE)",
    "setpriority", "sched_setaffinity", "fcntl", "execve",
    "dropping capabilities (prctl(PR_CAPBSET_DROP), capset)", "close_range",
};
#define NSTAGES (int)(sizeof stages / sizeof stages[0])

/* Find @name in PATH; a talloc string under @ctx, or NULL. */
char *fr__which(void *ctx, const char *name)
{
    const char *path = getenv("PATH");
    char *copy, *dir, *save = NULL;

    if (strchr(name, '/'))
        return access(name, X_OK) == 0 ? talloc_strdup(ctx, name) : NULL;
    copy = talloc_strdup(ctx, path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
    for (dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
        char *full = talloc_asprintf(ctx, "%s/%s", dir, name);
        if (full && access(full, X_OK) == 0) {
            talloc_free(copy);
            return full;
        }
        talloc_free(full);
    }
    talloc_free(copy);
    return NULL;
}

int fr__preload_value(void *ctx, const struct fr_env *env, char **value, const char **missing)
{
    const char *dirs[] = { getenv("FRACTURE_PRELOAD_DIR"), FR_PRELOAD_INSTALL_DIR,
                           FR_PRELOAD_BUILD_DIR };
    char *v = NULL;

    *value = NULL;
    for (size_t i = 0; env && i < env->npreload; i++) {
        const char *name = env->preload[i];
        char *path = NULL;
        if (strchr(name, '/')) {
            if (access(name, R_OK) == 0)
                path = talloc_strdup(ctx, name);
        } else {
            for (size_t d = 0; d < sizeof dirs / sizeof dirs[0] && !path; d++) {
                if (!dirs[d] || !*dirs[d])
                    continue;
                char *p = talloc_asprintf(ctx, "%s/%s.so", dirs[d], name);
                if (p && access(p, R_OK) == 0)
                    path = p;
            }
        }
        if (!path) {
            *missing = name;
            return -ENOENT;
        }
        v = v ? talloc_asprintf_append(v, ":%s", path) : path;
        if (!v)
            return -ENOMEM;
    }
    /* An LD_PRELOAD of the user's own stays, after the FMP's agents. */
    const char *old = getenv("LD_PRELOAD");
    if (v && old && *old)
        v = talloc_asprintf_append(v, ":%s", old);
    *value = v;
    return 0;
}

static int skip_var(const char *e)
{
    return strncmp(e, "FRACTURE_CONFIG=", 16) == 0 || strncmp(e, "FRACTURE_PLAN=", 14) == 0 ||
           strncmp(e, "FRACTURE_CHECK=", 15) == 0 || strncmp(e, "FRACTURE_JSON=", 14) == 0 ||
           strncmp(e, "FRACTURE_SANDBOX=", 17) == 0 || strncmp(e, "FRACTURE_CORE=", 14) == 0 ||
           strncmp(e, "FRACTURE_META=", 14) == 0;
}

/* The environment of the child: ours, less Fracture's own variables, plus
 * the FMP's vars (which win) and FRACTURE_PLAN. */
static char **make_envp(void *ctx, const struct fr_launch *l)
{
    size_t n = 0, k = 0;
    char **envp;

    while (environ[n])
        n++;
    envp = talloc_zero_array(ctx, char *, n + (l->env ? l->env->nvars : 0) + 6);
    if (!envp)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int overridden = skip_var(environ[i]);
        for (size_t v = 0; l->env && v < l->env->nvars && !overridden; v++) {
            size_t len = strlen(l->env->var_names[v]);
            if (strncmp(environ[i], l->env->var_names[v], len) == 0 && environ[i][len] == '=')
                overridden = 1;
        }
        if (!overridden)
            envp[k++] = environ[i];
    }
    for (size_t v = 0; l->env && v < l->env->nvars; v++)
        envp[k++] = talloc_asprintf(ctx, "%s=%s", l->env->var_names[v], l->env->var_values[v]);
    if (l->preload)
        envp[k++] = talloc_asprintf(ctx, "LD_PRELOAD=%s", l->preload);
    envp[k++] = talloc_asprintf(ctx, "FRACTURE_PLAN=%s", l->plan);
    if (l->sandbox)
        envp[k++] = talloc_asprintf(ctx, "FRACTURE_SANDBOX=%s", l->sandbox);
    if (l->meta)
        envp[k++] = talloc_asprintf(ctx, "FRACTURE_META=%s", l->meta);
    /* A core file needs a dumpable process: the child stays so. */
    if (l->env && l->env->limits.core == 1)
        envp[k++] = "FRACTURE_CORE=1";
    for (size_t i = 0; i < k; i++)
        if (!envp[i])
            return NULL;
    return envp;
}

/* Fracture's own suppressions (fracture.supp): installed, or else those of
 * the source tree this library was built from; NULL if neither is there. */
static const char *suppressions(void)
{
    static const char *const paths[] = { FR_SUPP_INSTALL, FR_SUPP_SOURCE };

    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (access(paths[i], R_OK) == 0)
            return paths[i];
    return NULL;
}

/* argv: the app's own, run under Valgrind when the environment says so;
 * Fracture's suppressions come before the config's args, which may add
 * more. */
static char **make_argv(void *ctx, const struct fr_launch *l, const char *exe,
                        const char **path)
{
    size_t argc = 0, k = 0;
    const struct fr_env *env = l->env;
    char **argv;

    while (l->argv[argc])
        argc++;
    argv = talloc_zero_array(ctx, char *, argc + (env ? env->nvalgrind_args : 0) + 10);
    if (!argv)
        return NULL;
    if (env && env->has_valgrind) {
        char *vg = fr__which(ctx, "valgrind");
        if (!vg)
            return NULL;
        *path = vg;
        argv[k++] = "valgrind";
        argv[k++] = talloc_asprintf(ctx, "--tool=%s",
                                    env->valgrind_tool ? env->valgrind_tool : "memcheck");
        const char *supp = suppressions();
        if (supp)
            argv[k++] = talloc_asprintf(ctx, "--suppressions=%s", supp);
        /* No vgdb FIFOs in /tmp that a killed root would leave behind,
         * unless the config's args ask for vgdb. */
        int vgdb = 0;
        for (size_t i = 0; i < env->nvalgrind_args; i++)
            vgdb |= strncmp(env->valgrind_args[i], "--vgdb", 6) == 0;
        if (!vgdb)
            argv[k++] = "--vgdb=no";
        if (l->report_prefix) {
            argv[k++] = "--xml=yes";
            argv[k++] = talloc_asprintf(ctx, "--xml-file=%s.%%p.xml", l->report_prefix);
            if (l->report_comment)
                argv[k++] = talloc_asprintf(ctx, "--xml-user-comment=%s", l->report_comment);
        }
        for (size_t i = 0; i < env->nvalgrind_args; i++)
            argv[k++] = env->valgrind_args[i];
        argv[k++] = (char *)exe;
        for (size_t i = 1; i < argc; i++)
            argv[k++] = l->argv[i];
    } else {
        *path = exe;
        for (size_t i = 0; i < argc; i++)
            argv[k++] = l->argv[i];
    }
    for (size_t i = 0; i < k; i++)
        if (!argv[i])
            return NULL;
    return argv;
}

static void set_limit(int res, long v, int stage, int errfd)
{
    struct rlimit rl = { (rlim_t)v, (rlim_t)v };
    struct child_err ce = { stage, 0 };

    if (setrlimit(res, &rl) < 0) {
        ce.err = errno;
        if (write(errfd, &ce, sizeof ce) < 0)
            _exit(127);
        _exit(127);
    }
}

/* Whether this process holds any capability (a root, or a file-capable
 * binary): then its children must be stripped. */
static int has_caps(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];

    if (syscall(SYS_capget, &h, d) < 0)
        return geteuid() == 0;
    return d[0].permitted || d[1].permitted || geteuid() == 0;
}

/*
 * Between fork and exec: no capability in any set, none in the bounding
 * set (an exec as uid 0 would give the bounding set back), none ambient.
 * Async-signal-safe: prctl and capset only.
 */
static int drop_caps(void)
{
    struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct d[2];

    for (int c = 0; c < 64; c++)
        if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL) {
            /* Without CAP_SETPCAP only a non-root may go on: an exec as
             * uid 0 would get the bounding set back. */
            if (errno != EPERM || geteuid() == 0)
                return -1;
            break;
        }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return -1;
    memset(d, 0, sizeof d);
    return (int)syscall(SYS_capset, &h, d);
}

/* Close every descriptor but 0, 1, 2 and the @n sorted ones of @keep. */
static int close_others(const int *keep, int n)
{
    unsigned lo = 3;

    for (int i = 0; i < n; i++) {
        if (keep[i] < (int)lo)
            continue;
        if ((unsigned)keep[i] > lo && syscall(SYS_close_range, lo, (unsigned)keep[i] - 1, 0) < 0)
            return -1;
        lo = (unsigned)keep[i] + 1;
    }
    return (int)syscall(SYS_close_range, lo, ~0u, 0);
}

static void fail(int errfd, int stage)
{
    struct child_err ce = { stage, errno };

    if (write(errfd, &ce, sizeof ce) < 0)
        _exit(127);
    _exit(127);
}

int fr__launch(const struct fr_launch *l, pid_t *pid_out, int *pidfd_out,
               char *err, size_t errlen)
{
    void *ctx = talloc_new(NULL);
    char exe[PATH_MAX];
    const char *path = NULL;
    char **envp, **argv;
    int pipefd[2], rc = 0;
    ssize_t n;
    pid_t root = getpid(), pid;
    struct child_err ce;
    cpu_set_t cpus;
    int strip = (!l->env || l->env->privileges != FR_PRIV_KEEP) && has_caps();
    int nkeep = l->nkeep + 1;
    int keep[nkeep];
    char *sandbox = NULL;

    n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0) {
        snprintf(err, errlen, "cannot find this program (/proc/self/exe): %s", strerror(errno));
        rc = -errno;
        goto out_free;
    }
    exe[n] = '\0';
    envp = make_envp(ctx, l);
    argv = make_argv(ctx, l, exe, &path);
    if (!envp || !argv) {
        snprintf(err, errlen, "%s",
                 l->env && l->env->has_valgrind && !path ? "valgrind is not in PATH (apt-get install valgrind)"
                                                         : "out of memory");
        rc = -ENOMEM;
        goto out_free;
    }
    CPU_ZERO(&cpus);
    for (size_t i = 0; l->env && i < l->env->ncpus; i++)
        CPU_SET(l->env->cpus[i], &cpus);
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "pipe: %s", strerror(errno));
        rc = -errno;
        goto out_free;
    }
    /* What the child keeps, sorted (for close_others): its descriptors and
     * the error pipe, which exec closes. */
    memcpy(keep, l->keep, (size_t)l->nkeep * sizeof *keep);
    keep[nkeep - 1] = pipefd[1];
    for (int i = 1; i < nkeep; i++)
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    /* The namespaces the child gets are written into its environment
     * (FRACTURE_SANDBOX=NS:...), between fork and exec. */
    for (size_t i = 0; l->sandbox && envp[i]; i++)
        if (strncmp(envp[i], "FRACTURE_SANDBOX=", 17) == 0)
            sandbox = envp[i] + 17;

    pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        rc = -errno;
        close(pipefd[0]);
        close(pipefd[1]);
        goto out_free;
    }
    if (pid == 0) {
        sigset_t none;
        const struct fr_env *e = l->env;

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
            fail(pipefd[1], 0);
        if (getppid() != root) {
            errno = ESRCH;
            fail(pipefd[1], 1);
        }
        if (e && e->limits.memory_mb > 0)
            set_limit(RLIMIT_AS, e->limits.memory_mb << 20, 2, pipefd[1]);
        if (e && e->limits.cpu_s > 0)
            set_limit(RLIMIT_CPU, e->limits.cpu_s, 3, pipefd[1]);
        if (e && e->limits.open_files > 0)
            set_limit(RLIMIT_NOFILE, e->limits.open_files, 4, pipefd[1]);
        if (e && e->limits.core == 0)
            set_limit(RLIMIT_CORE, 0, 5, pipefd[1]);
        if (e && e->limits.core == 1)
            set_limit(RLIMIT_CORE, (long)RLIM_INFINITY, 5, pipefd[1]);
        if (e && e->has_nice && setpriority(PRIO_PROCESS, 0, e->nice) < 0)
            fail(pipefd[1], 6);
        if (e && e->ncpus && sched_setaffinity(0, sizeof cpus, &cpus) < 0)
            fail(pipefd[1], 7);
        for (int i = 0; i < l->nkeep; i++) {
            int fl = fcntl(l->keep[i], F_GETFD);
            if (fl < 0 || fcntl(l->keep[i], F_SETFD, fl & ~FD_CLOEXEC) < 0)
                fail(pipefd[1], 8);
        }
        if (sandbox)
            fr__sandbox_unshare(sandbox);
        if (strip && drop_caps() < 0)
            fail(pipefd[1], 10);
        if (close_others(keep, nkeep) < 0)
            fail(pipefd[1], 11);
        execve(path, argv, envp);
        fail(pipefd[1], 9);
    }

    close(pipefd[1]);
    do
        n = read(pipefd[0], &ce, sizeof ce);
    while (n < 0 && errno == EINTR);
    close(pipefd[0]);
    if (n == (ssize_t)sizeof ce) {
        snprintf(err, errlen, "%s: %s", stages[ce.stage < NSTAGES && ce.stage >= 0 ? ce.stage : 9],
                 strerror(ce.err));
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        rc = -ce.err;
        goto out_free;
    }
    *pid_out = pid;
    *pidfd_out = (int)syscall(SYS_pidfd_open, pid, 0);
    if (*pidfd_out < 0 && errno == ENOSYS) {
        /* Valgrind 3.19 and old kernels: the supervisor watches the
         * control socket's hang-up instead. */
        *pidfd_out = -1;
    } else if (*pidfd_out < 0) {
        snprintf(err, errlen, "pidfd_open: %s", strerror(errno));
        rc = -errno;
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        goto out_free;
    }
    if (*pidfd_out >= 0)
        fcntl(*pidfd_out, F_SETFD, FD_CLOEXEC);
out_free:
    talloc_free(ctx);
    return rc;
}
