/*
 * metaexec.c - Causeway's fork/exec channel (FR_META_EXEC, fracture/meta.h):
 * the items of such types on the thread that forks go with the child
 * process, and on through an exec, into a program that runs Fracture too.
 *
 * fork copies the forking thread's set already; a handler run in the child
 * (pthread_atfork, armed by the first FR_META_EXEC type registered) drops
 * the items whose type lacks the flag, and leaves the others in the
 * environment (FRACTURE_META_ITEMS: their header entries in hex, 32 digits an
 * entry), which an exec keeps where it passes the environment on (execv,
 * execvp, execl: not an execve given another one).  A program starting
 * with the variable takes the items onto its main thread before main (the
 * constructor below; the value is untrusted: what does not parse ends it)
 * and removes it, so that it reaches no one else.  posix_spawn, system()
 * and vfork run no fork handlers, and carry nothing (meta.h says so).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "meta.h"
#include "metaexec.h"
#include "metatype.h"

#define FR_META_ENV "FRACTURE_META_ITEMS"

static void child(void)
{
    struct fr_meta_ent e[FR__META_INHERIT_MAX];
    unsigned n = fr__meta_fork_child(e);
    char hex[FR__META_INHERIT_MAX * 32 + 1];
    static const char digits[] = "0123456789abcdef";

    if (!n) {
        unsetenv(FR_META_ENV);
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        uint64_t w[2] = { e[i].key, e[i].value };
        for (int j = 0; j < 32; j++)
            hex[i * 32 + (unsigned)j] = digits[(w[j / 16] >> (60 - 4 * (j % 16))) & 0xf];
    }
    hex[n * 32] = '\0';
    setenv(FR_META_ENV, hex, 1);   /* glibc: malloc is the child's own after fork */
}

static int armed;
static unsigned taken;   /* items inherited before main */
static pthread_mutex_t arm_lock = PTHREAD_MUTEX_INITIALIZER;

static int registered(uint32_t type, unsigned mask)
{
    int rc = 0;

    fr__meta_retype(type, (mask & FR_META_CALLS) != 0);
    if (!(mask & FR_META_EXEC))
        return 0;
    pthread_mutex_lock(&arm_lock);
    if (!armed) {
        rc = -pthread_atfork(NULL, NULL, child);
        armed = rc == 0;
    }
    pthread_mutex_unlock(&arm_lock);
    return rc;
}

static int nibble(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

__attribute__((constructor)) static void inherited(void)
{
    const char *v = getenv(FR_META_ENV);
    struct fr_meta_ent e[FR__META_INHERIT_MAX];
    size_t len;
    unsigned n = 0;

    fr__metatype_registered = registered;
    if (!v)
        return;
    len = strlen(v);
    for (; n < FR__META_INHERIT_MAX && (size_t)(n + 1) * 32 <= len; n++) {
        uint64_t w[2] = { 0, 0 };
        for (int j = 0; j < 32; j++) {
            int d = nibble(v[n * 32 + (unsigned)j]);
            if (d < 0) {
                fr__log("%s: not a digit at offset %u; the metadata from there on is ignored",
                        FR_META_ENV, n * 32 + (unsigned)j);
                goto take;
            }
            w[j / 16] = w[j / 16] << 4 | (uint64_t)d;
        }
        e[n].key = w[0];
        e[n].value = w[1];
    }
    if (len % 32 || len > (size_t)FR__META_INHERIT_MAX * 32)
        fr__log("%s: %zu digits, not whole entries of 32 (at most %u); the rest is ignored",
                FR_META_ENV, len, FR__META_INHERIT_MAX);
take:
    taken = fr__meta_inherited(e, n);
    unsetenv(FR_META_ENV);
}

unsigned fr__meta_exec_inherited(void)
{
    return taken;
}
