/* math module */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ledger.h"

static int base;   /* set by math_init (FR_INIT): replayed into a restarted FMP */

/* The crash matrix: LEDGER_CRASH=KIND (set in this FMP's environment only)
 * ends the process on the 5th call it serves, in the way KIND says. */
static void crash_if_asked(void)
{
    static int calls;
    const char *kind = getenv("LEDGER_CRASH");

    if (!kind || !*kind || ++calls != 5)
        return;
    if (strcmp(kind, "segv") == 0) {
        /* workers block asynchronous signals; a real fault is never blocked */
        sigset_t segv;
        sigemptyset(&segv);
        sigaddset(&segv, SIGSEGV);
        pthread_sigmask(SIG_UNBLOCK, &segv, NULL);
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    } else if (strcmp(kind, "abort") == 0) {
        abort();
    } else if (strcmp(kind, "kill") == 0) {
        raise(SIGKILL);
    } else if (strcmp(kind, "exit3") == 0) {
        _exit(3);
    } else if (strcmp(kind, "hang") == 0) {
        for (;;)
            pause();
    }
}

/* Replication and sampling tests set these in one replica's or one
 * instance's environment only (tests/e2e/configs/replicate-*.yaml,
 * sample-*.yaml). */
static int wrong(const char *what)
{
    const char *v = getenv(what);

    return v && *v == '1';
}

/* LEDGER_INSTANCE: which sampled instance serves (0 when unset). */
int __fr_impl_math_whoami(void)
{
    const char *v = getenv("LEDGER_INSTANCE");

    return v ? atoi(v) : 0;
}

/* LEDGER_HEAP_MB: a heap that large, touched in small pages, before the
 * crash of "recover": the kernel takes long to tear the process down
 * (e2e.restart.noticed-before-teardown). */
static void touch_heap(void)
{
    const char *v = getenv("LEDGER_HEAP_MB");
    size_t len = v ? (size_t)atoi(v) << 20 : 0;
    char *p;

    if (!len || (p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                          0)) == MAP_FAILED)
        return;
    madvise(p, len, MADV_NOHUGEPAGE);
    memset(p, 1, len);
}

void __fr_impl_math_init(int b)
{
    /* a negative base is asked of the text module: an FR_INIT call whose
     * frame calls out, and whose callee calls out again (recover-nested) */
    base = b < 0 ? (int)text_weight(0, -b) : b;
}


long __fr_impl_math_sum(const int *v, size_t n)
{
    long s = 0;

    if (!v && n == (size_t)-1) {      /* "block" mode of the test */
        for (;;)
            pause();
    }
    if (!v && n == (size_t)-2)        /* "crash" mode: a failed assertion */
        abort();                      /* (sanitizers leave SIGABRT alone) */
    if (!v && n == (size_t)-3)        /* "recover": crashes but in a micro-Rx environment */
        return getenv("LEDGER_SAFE") ? 42 + base : (touch_heap(), abort(), 0);
    crash_if_asked();
    for (size_t i = 0; i < n; i++)
        s += v[i];
    if (wrong("LEDGER_LEAK")) {
        /* a leak for the memcheck instance to find, blamed on this
         * function: each call drops the block of the call before */
        static long *volatile scratch;
        scratch = malloc(sizeof *scratch * 16);
    }
    return wrong("LEDGER_WRONG") ? s + 1 : s;   /* LEDGER_WRONG: a wrong result */
}

void __fr_impl_math_scale(int *v, size_t n, int k)
{
    crash_if_asked();
    for (size_t i = 0; i < n; i++)
        v[i] *= k;
}

long __fr_impl_math_fold(long (*f)(long acc, int x), const int *v, size_t n)
{
    crash_if_asked();
    long acc = 0;
    /* LEDGER_WRONG_CALL: a different outward call (the callback's argument) */
    for (size_t i = 0; i < n; i++)
        acc = f(acc, v[i] + (i == 0 && wrong("LEDGER_WRONG_CALL")));
    return acc;
}
