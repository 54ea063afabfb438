/*
 * sandbox.h - `env: {sandbox: strict}` and sandbox profiles (sandbox.c):
 * a seccomp-bpf filter (libseccomp) with no_new_privs, and namespaces of
 * the FMP's own where the kernel grants them.
 *
 * The root reads and checks a profile with the config; a child gets its
 * filter as FRACTURE_SANDBOX (syscall numbers, made by the root) and
 * installs it before it serves anything.
 */
#ifndef FR_SANDBOX_H
#define FR_SANDBOX_H

#include <stddef.h>

struct fr_diag;
struct fr_env;

/* A profile's changes to the strict set: syscall numbers. */
struct fr_sandbox_prof {
    int *allow, *eperm, *kill;
    size_t nallow, neperm, nkill;
};

/* Namespaces a sandboxed FMP got (FR_NS_* bits). */
enum { FR_NS_USER = 1, FR_NS_PID = 2, FR_NS_NET = 4 };

/*
 * Read the profile file @path (YAML: {allow: [..], errno: [..], kill: [..]},
 * syscall names) into *out, owned by @ctx.  Every error goes to @d as
 * PATH:line:col; returns 0 or -EINVAL.
 */
int fr__sandbox_profile_load(void *ctx, const char *path, struct fr_sandbox_prof **out,
                             struct fr_diag *d);

/* Whether @env asks for a sandbox ("strict" or a profile; "none" does not). */
int fr__sandbox_wanted(const struct fr_env *env);

/* The FRACTURE_SANDBOX value for @env: a talloc string under @ctx with
 * room for the namespaces the launch fills in (fr__sandbox_unshare), or
 * NULL with errno. */
char *fr__sandbox_encode(void *ctx, const struct fr_env *env);

/*
 * Between fork and exec (async-signal-safe): try to enter new user, pid
 * and network namespaces, the most the kernel allows, and write which in
 * the value made by fr__sandbox_encode.  Returns the FR_NS_* bits got.
 */
int fr__sandbox_unshare(char *value);

/* Which namespaces a child would get here (forks a probe); FR_NS_* bits. */
int fr__sandbox_probe(void);

/* "user, pid, net" (or "none") for the FR_NS_* bits, in @buf. */
const char *fr__sandbox_ns_names(int ns, char *buf, size_t len);

/*
 * In a child: install the filter FRACTURE_SANDBOX describes (with
 * no_new_privs), for every thread; fr__sandbox_announce says so on stderr
 * in one line naming FMP @name.  Does nothing without FRACTURE_SANDBOX.  Returns 0 or a
 * negative errno (the child then ends: it must not run unsandboxed).
 */
int fr__sandbox_enter(const char *name);

/* The line of fr__sandbox_enter, once the FMP serves (nothing if none). */
void fr__sandbox_announce(void);

#endif /* FR_SANDBOX_H */
