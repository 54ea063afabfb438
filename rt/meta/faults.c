/*
 * faults.c - libfracture-faults.so, the fault injector shipped with
 * Fracture: a meta-application (fracture/hook.h) that fails chosen module
 * calls so that a program's FR_ON_FAILURE paths can be tested, as LFI does
 * for the calls into a library.  Loaded by a deployment, no rebuild:
 *
 *   meta:
 *     - so: /usr/lib/x86_64-linux-gnu/fracture/meta/libfracture-faults.so
 *       fmps: [root]
 *       args: "function=path_resolve every=3 errno=EIO"
 *
 * Its args are words KEY=VALUE apart by blanks:
 *   function=GLOB   the functions to fail (fnmatch; default: every one)
 *   module=GLOB     ... of these modules only (default: every one)
 *   every=N         fail the Nth matching call, the 2Nth, ... (counted in
 *                   this FMP, from 1)
 *   probability=P   or fail each matching call with probability P (0..1),
 *   seed=S          drawn from S and the call's number: the same calls
 *                   fail in every run with the same seed (default seed 1)
 *   after=K         leave the first K matching calls alone (default 0)
 *   max=M           fail at most M calls (default: no limit)
 *   errno=E         the failure: a name (EIO, ENOMEM, ESTALE, ...) or a
 *                   number (default EIO); it reaches the program as
 *                   FR_ON_FAILURE maps it (a permanent code as itself, any
 *                   other as the function's declared errno)
 *   side=agent|shadow  where to fail: in the caller's FMP before the call
 *                   is sent (agent, the default: the callee never sees
 *                   it), or in the callee's before the function runs
 *   log=PATH        append one line per call it fails: "N FUNCTION ERRNO"
 * Exactly one of every= and probability=.  Bad args make fr_meta_init fail,
 * and the program does not start (the config's line is named).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fracture/hook.h>

struct plan {
    char function[256], module[256];
    uint64_t every, after, max, seed;
    double probability;
    int err;
    int shadow;
    int logfd;
};

static struct plan pl = { .seed = 1, .err = EIO, .logfd = -1, .max = UINT64_MAX };
static _Atomic uint64_t seen, failed;

static const struct { const char *name; int value; } errnos[] = {
    { "EIO", EIO }, { "ENOMEM", ENOMEM }, { "EAGAIN", EAGAIN }, { "ESTALE", ESTALE },
    { "EXDEV", EXDEV }, { "EINVAL", EINVAL }, { "ENOSPC", ENOSPC }, { "ETIMEDOUT", ETIMEDOUT },
    { "ECONNREFUSED", ECONNREFUSED }, { "EPERM", EPERM }, { "EACCES", EACCES },
    { "ENOENT", ENOENT }, { "EBUSY", EBUSY }, { "EPIPE", EPIPE }, { "ENOSYS", ENOSYS },
    { "EMSGSIZE", EMSGSIZE }, { "ENOTCONN", ENOTCONN }, { "ECANCELED", ECANCELED },
};

/* splitmix64: the call's own draw, whatever order threads make calls in */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static int chosen(uint64_t n)
{
    if (n <= pl.after)
        return 0;
    n -= pl.after;
    if (pl.every)
        return n % pl.every == 0;
    return (double)(mix(pl.seed ^ mix(n)) >> 11) * 0x1.0p-53 < pl.probability;
}

static int inject(const struct fr_hook_call *hc, void *ud)
{
    uint64_t n;
    char line[320];

    (void)ud;
    if ((pl.function[0] && fnmatch(pl.function, hc->function_name, 0) != 0) ||
        (pl.module[0] && fnmatch(pl.module, hc->module_name, 0) != 0))
        return 0;
    n = atomic_fetch_add(&seen, 1) + 1;
    if (!chosen(n))
        return 0;
    if (atomic_fetch_add(&failed, 1) >= pl.max)
        return 0;
    if (pl.logfd >= 0) {
        int len = snprintf(line, sizeof line, "%llu %s %d\n", (unsigned long long)n,
                           hc->function_name, pl.err);
        if (write(pl.logfd, line, (size_t)len) < 0)
            return -pl.err;   /* the call fails all the same */
    }
    return -pl.err;
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;

    errno = 0;
    *v = strtoull(s, &end, 10);
    return *s && !*end && !errno && *s != '-' ? 0 : -EINVAL;
}

static int parse_errno(const char *s, int *e)
{
    uint64_t v;

    for (size_t i = 0; i < sizeof errnos / sizeof errnos[0]; i++)
        if (strcmp(errnos[i].name, s) == 0) {
            *e = errnos[i].value;
            return 0;
        }
    if (parse_u64(s, &v) == 0 && v > 0 && v < 4096) {
        *e = (int)v;
        return 0;
    }
    fprintf(stderr, "fracture-faults: unknown errno '%s' (a name such as EIO, or a number)\n", s);
    return -EINVAL;
}

static int bad(const char *word, const char *why)
{
    fprintf(stderr, "fracture-faults: '%s': %s\n", word, why);
    return -EINVAL;
}

int fr_meta_init(const char *args)
{
    char buf[1024], *save = NULL;
    int have_every = 0, have_p = 0;

    if (strlen(args) >= sizeof buf)
        return bad(args, "args too long");
    strcpy(buf, args);
    for (char *w = strtok_r(buf, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char *v = strchr(w, '=');
        if (!v)
            return bad(w, "expected KEY=VALUE");
        *v++ = '\0';
        if (strcmp(w, "function") == 0 && strlen(v) < sizeof pl.function)
            strcpy(pl.function, v);
        else if (strcmp(w, "module") == 0 && strlen(v) < sizeof pl.module)
            strcpy(pl.module, v);
        else if (strcmp(w, "every") == 0) {
            if (parse_u64(v, &pl.every) < 0 || pl.every == 0)
                return bad(v, "every= takes a whole number from 1");
            have_every = 1;
        } else if (strcmp(w, "probability") == 0) {
            char *end;
            pl.probability = strtod(v, &end);
            if (!*v || *end || !(pl.probability >= 0 && pl.probability <= 1))
                return bad(v, "probability= takes a number from 0 to 1");
            have_p = 1;
        } else if (strcmp(w, "seed") == 0) {
            if (parse_u64(v, &pl.seed) < 0)
                return bad(v, "seed= takes a whole number");
        } else if (strcmp(w, "after") == 0) {
            if (parse_u64(v, &pl.after) < 0)
                return bad(v, "after= takes a whole number");
        } else if (strcmp(w, "max") == 0) {
            if (parse_u64(v, &pl.max) < 0)
                return bad(v, "max= takes a whole number");
        } else if (strcmp(w, "errno") == 0) {
            if (parse_errno(v, &pl.err) < 0)
                return -EINVAL;
        } else if (strcmp(w, "side") == 0) {
            if (strcmp(v, "agent") != 0 && strcmp(v, "shadow") != 0)
                return bad(v, "side= is agent or shadow");
            pl.shadow = strcmp(v, "shadow") == 0;
        } else if (strcmp(w, "log") == 0) {
            pl.logfd = open(v, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            if (pl.logfd < 0)
                return -errno;
        } else {
            return bad(w, "unknown key (function, module, every, probability, seed, after, "
                          "max, errno, side, log)");
        }
    }
    if (have_every == have_p)
        return bad(args, "give exactly one of every=N and probability=P");
    struct fr_hook h = { .modules = pl.module[0] ? pl.module : NULL,
                         .functions = pl.function[0] ? pl.function : NULL };
    if (pl.shadow)
        h.shadow_before = inject;
    else
        h.agent_before = inject;
    int rc = fr_hook_register(&h, NULL);
    if (rc == -EINVAL)
        return bad(args, "function= and module= name no function of this program");
    return rc;
}
