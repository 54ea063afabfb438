/*
 * main module of the ledger test program: a workload over every kind of
 * argument, from 16 threads, whose output must be the same byte for byte
 * whatever the deployment config.
 *
 *   ledger            the workload
 *   ledger wide       64 threads calling across FMPs at once
 *   ledger huge       60 MiB in and out of one call
 *   ledger evil       a callee that sends a malformed reply
 *   ledger block      prints "ready" and blocks mid-call (for kill tests)
 *   ledger crash      the math module dies of SIGABRT in the middle of a call
 *   ledger recover    the same, unless LEDGER_SAFE is set (a micro-Rx environment)
 *   ledger recover-child  the same, its FR_INIT call made by the text module
 *   ledger recover-nested the same, its FR_INIT call asking text, which asks
 *                     store: replayed into the restarted math FMP, those
 *                     calls run while it is not yet let in (sum 47)
 *   ledger recover-child-gone  as recover-child, but the text module's FMP
 *                     is killed and restarted before math crashes (its
 *                     FR_INIT call made in an incarnation that has ended)
 *   ledger recover-child-nested  the same, the FR_INIT call asking text,
 *                     which asks store (sum 47)
 *   ledger init-chain[-N] [ROUNDS]  text_init (FR_INIT) calls tally_add
 *                     (FR_INIT, N ints, 1 by default); then the text and
 *                     the tally FMPs are killed in turn, ROUNDS times (3):
 *                     every report must show each setup once
 *   ledger init-race  text_init, and tallies is killed while texts is
 *                     stopped between tally_add's reply and its copy to the
 *                     root (FRACTURE_FAULT init-copy:1:stop in texts' env):
 *                     tallies' restart must still get texts' call
 *   ledger init-both  text_init; then texts and tallies are killed at once,
 *                     and each new incarnation dies in the replay of its
 *                     FR_INIT calls once (FRACTURE_FAULT init-replay:1 in
 *                     the first restart environment): the caller's and the
 *                     callee's FMP of tally_add both gone during a replay;
 *                     the report must show each setup once
 *   ledger init-lost  text_init, texts dies in it before its copy went and
 *                     is not replayed (retries: 0): tallies' restart comes
 *                     back without tally_add, and the root says so
 *   ledger matrix     calls of every shape into math, for the crash matrix
 *   ledger fork-idle  forks a child that only waits, then reads stdin to its end
 *   ledger pids       prints nothing but waits for stdin to close (for leak tests)
 *   ledger soak       a batch of math calls per line of stdin (restart soak)
 *   ledger sample     which math instance serves each of 400 calls (sampling)
 *   ledger leak       60 math calls, each of which leaks where LEDGER_LEAK is set
 *   ledger points     the crash-point harness's workload (crashpoints.sh)
 *   ledger nested     math calls whose callbacks call math again: every nested
 *                     call reaches the instance that serves the outer one
 *   ledger pipe       a pipe made while the program runs, across a restart of
 *                     math (its next warm spare is started meanwhile); reading
 *                     it to EOF once the write end is closed must not hang
 */
#include <errno.h>
#include <fracture/meta.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "ledger.h"

#define NTHREADS 16
#define ROUNDS 20
#define WIDE_THREADS 64           /* "wide" mode: the runtime's promise */

static uint64_t digest[WIDE_THREADS];
static int rounds = ROUNDS;

static uint64_t mix(uint64_t h, uint64_t v)
{
    return (h ^ v) * 0x100000001b3ull;
}

/* The instance each nested call reached (a callback of math_fold). */
static int probed[8];
static int nprobed;

/* Callbacks into main made so far (the "points" workload): a replay that
 * made them again would show in the count. */
static long visits, probes;

long __fr_impl_main_probe(long acc, int x)
{
    probes++;
    if (nprobed < 8)
        probed[nprobed++] = math_whoami();
    errno = 200 + x;          /* the callee's errno after it: the digest has it */
    return acc + x;
}

int __fr_impl_main_visit(const char *key, size_t len)
{
    visits++;
    errno = 300 + (int)(strlen(key) + len) % 13;   /* as main_probe's */
    return (int)(strlen(key) + len) % 7;
}

static void *worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    uint64_t h = 1469598103934665603ull;

    for (int i = 0; i < rounds; i++) {
        char key[32];
        int val[8], back[16];
        size_t len = 0;

        snprintf(key, sizeof key, "t%02d-%02d", t, i);
        for (int k = 0; k < 8; k++)
            val[k] = t * 100 + i + k;
        if (store_put(key, val, sizeof val) != 0)
            h = mix(h, 0xdead);
        memset(back, 0, sizeof back);
        if (store_get(key, back, sizeof back, &len) != 0 || len != sizeof val ||
            memcmp(back, val, sizeof val) != 0)
            h = mix(h, 0xbad);
        h = mix(h, (uint64_t)math_sum(val, 8));
        math_scale(val, 8, t + 1);
        for (int k = 0; k < 8; k++)
            h = mix(h, (uint64_t)val[k]);
        h = mix(h, (uint64_t)text_render(key));
    }
    digest[t] = h;
    return NULL;
}

static void run_threads(int n)
{
    pthread_t th[WIDE_THREADS];

    for (int t = 0; t < n; t++)
        pthread_create(&th[t], NULL, worker, (void *)(intptr_t)t);
    for (int t = 0; t < n; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < n; t++)
        printf("thread %2d digest %016llx\n", t, (unsigned long long)digest[t]);
}

static int run_workload(void)
{
    int weight = 3, fds[2];
    char buf[64];

    store_put("weight", &weight, sizeof weight);
    run_threads(NTHREADS);

    /* Large payloads: 4 MiB in, 4 MiB in and out. */
    size_t n = (size_t)1 << 20;
    int *big = malloc(n * sizeof *big);
    for (size_t i = 0; i < n; i++)
        big[i] = (int)(i % 1000);
    printf("big sum %ld\n", math_sum(big, n));
    math_scale(big, n, 3);
    printf("big scaled sum %ld (last %d)\n", math_sum(big, n), big[n - 1]);
    free(big);

    printf("each %d over %ld bytes\n", store_each(main_visit), store_total());

    char *up = text_upper("hello, fracture");
    printf("upper %s\n", up);
    free(up);

    if (pipe(fds) == 0) {
        ssize_t w = text_write(fds[1], "through a descriptor");
        close(fds[1]);
        ssize_t r = read(fds[0], buf, sizeof buf - 1);
        buf[r > 0 ? r : 0] = '\0';
        close(fds[0]);
        printf("write %zd read '%s'\n", w, buf);
    }

    uint64_t w2 = 0;
    fr_meta_set(1, 42);
    fr_meta_set(2, 7);
    int v = text_meta();
    fr_meta_get(2, &w2);
    printf("meta seen %d, bumped to %llu\n", v, (unsigned long long)w2);

    /* Typed metadata: a bytes value out and back, a max merge, and an
     * item that never leaves this thread (no FR_META_CALLS). */
    struct fr_meta_value trail;
    uint64_t high = 0, here = 0;
    fr_meta_insert(ledger_trail, 0, "main", 4);
    fr_meta_insert_u64(ledger_high, 0, 3);
    fr_meta_insert_u64(ledger_here, 0, 5);
    text_meta();
    fr_meta_lookup(ledger_trail, 0, &trail);
    fr_meta_lookup_u64(ledger_high, 0, &high);
    fr_meta_lookup_u64(ledger_here, 0, &here);
    printf("meta trail %.*s, high %llu, here %llu\n", (int)trail.len, (const char *)trail.bytes,
           (unsigned long long)high, (unsigned long long)here);
    return 0;
}

/* Kill the FMP whose pid text_report(@what) tells (1: texts, 4: tallies)
 * and wait, bounded, until its next incarnation answers; said if it never
 * did (or runs in this process: all in one, there is nothing to kill). */
static void restart_fmp(int what)
{
    long pid = text_report(what), now = pid;

    if (pid > 0 && pid != (long)getpid()) {
        kill((pid_t)pid, SIGKILL);
        for (int i = 0; i < 1000 && now == pid; i++) {
            usleep(10 * 1000);
            now = text_report(what);
        }
    }
    if (now == pid)
        printf("%s did not restart\n", what == 1 ? "texts" : "tallies");
}

/* init-race: once texts (@arg: its pid, then tallies') has stopped
 * itself, kill tallies, and let texts go on a moment later. */
static void *race(void *arg)
{
    long *pids = arg;
    char path[64], stat[256];

    snprintf(path, sizeof path, "/proc/%ld/stat", pids[0]);
    for (int i = 0; i < 1000; i++) {
        FILE *f = fopen(path, "r");
        size_t n = f ? fread(stat, 1, sizeof stat - 1, f) : 0;
        if (f)
            fclose(f);
        stat[n] = '\0';
        const char *st = strrchr(stat, ')');
        if (st && st[1] == ' ' && st[2] == 'T')
            break;
        usleep(10 * 1000);
    }
    kill((pid_t)pids[1], SIGKILL);
    usleep(300 * 1000);       /* the root restarts tallies meanwhile */
    kill((pid_t)pids[0], SIGCONT);
    return NULL;
}

static void init_report(const char *when)
{
    printf("%s: texts served text_init %ld times, tally %ld from %ld adds\n", when,
           text_report(0), text_report(2), text_report(3));
}

int ledger_main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "work";

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(mode, "evil") == 0) {
        char out[64];
        errno = 0;
        int r = evil_fill(out, sizeof out);
        printf("evil_fill returned %d (%s)\n", r, r < 0 ? strerror(errno) : "ok");
        int weight = 1;
        printf("store_put after it: %d\n", store_put("after", &weight, sizeof weight));
        return 0;
    }
    if (strcmp(mode, "block") == 0) {
        printf("ready\n");
        math_sum(NULL, (size_t)-1);   /* the math module blocks on this */
        return 0;
    }
    if (strcmp(mode, "wide") == 0) {
        int weight = 2;
        store_put("weight", &weight, sizeof weight);
        rounds = 4;
        run_threads(WIDE_THREADS);   /* 64 threads calling at once */
        return 0;
    }
    if (strcmp(mode, "huge") == 0) {
        /* 60 MiB each way, under the default 64 MiB message limit */
        size_t n = (size_t)15 << 20;
        int *v = malloc(n * sizeof *v);
        for (size_t i = 0; i < n; i++)
            v[i] = (int)(i % 7);
        math_scale(v, n, 5);
        printf("huge sum %ld (first %d, last %d)\n", math_sum(v, n), v[0], v[n - 1]);
        free(v);
        return 0;
    }
    if (strcmp(mode, "matrix") == 0) {
        /* small calls, a 1 MiB reply, callbacks: wherever the math FMP
         * dies, every call must come back once, with its right result */
        uint64_t h = 1469598103934665603ull;
        int weight = 3, small[64];
        size_t n = (size_t)1 << 18;
        int *big = malloc(n * sizeof *big);
        store_put("weight", &weight, sizeof weight);
        store_put("row", small, sizeof small);
        for (int round = 0; round < 12; round++) {
            for (int i = 0; i < 64; i++)
                small[i] = round * 64 + i;
            for (size_t i = 0; i < n; i++)
                big[i] = (int)(i % 97) + round;
            h = mix(h, (uint64_t)math_sum(small, 64));
            math_scale(big, n, 3);
            h = mix(h, (uint64_t)big[n - 1] + (uint64_t)big[n / 2]);
            store_put("row", small, sizeof small);
            h = mix(h, (uint64_t)text_render("row"));
        }
        free(big);
        printf("matrix digest %016llx\n", (unsigned long long)h);
        return 0;
    }
    if (strcmp(mode, "points") == 0) {
        /* the crash-point harness's workload (tests/e2e/crashpoints.sh):
         * FR_INIT, child to child (text -> store, text -> math -> text ->
         * store), callbacks into main that count, chunked payloads both
         * ways; wherever a child dies, the output is the plain one */
        uint64_t h = 1469598103934665603ull;
        int weight = 2, small[16];
        size_t n = (size_t)1 << 15;   /* 128 KiB: chunks of a 16 KiB channel */
        int *big = malloc(n * sizeof *big);
        math_init(10);
        text_setup(10);       /* FR_INIT from a child too: texts replays it */
        store_put("weight", &weight, sizeof weight);
        int nrounds = argc > 2 ? atoi(argv[2]) : 4;   /* longer for the random kills */
        for (int round = 0; round < nrounds; round++) {
            h = mix(h, (uint64_t)text_render("big"));
            char key[16];
            for (int i = 0; i < 16; i++)
                small[i] = round * 16 + i;
            snprintf(key, sizeof key, "k%d", round);
            store_put(key, small, sizeof small);
            h = mix(h, (uint64_t)text_render(key));
            for (size_t i = 0; i < n; i++)
                big[i] = (int)(i % 89) + round;
            math_scale(big, n, 3);
            h = mix(h, (uint64_t)big[n - 1] + (uint64_t)big[n / 3]);
            h = mix(h, (uint64_t)store_each(main_visit));
            /* errno crosses each call: the last callback's comes back,
             * also through a replay fed from its log */
            h = mix(h, (uint64_t)errno);
            nprobed = 0;
            h = mix(h, (uint64_t)math_fold(main_probe, small, 6));
            h = mix(h, (uint64_t)errno);
        }
        free(big);
        long gets = 0;
        size_t len = 0;
        store_get("#gets", &gets, sizeof gets, &len);
        printf("points digest %016llx visits %ld probes %ld gets %ld\n", (unsigned long long)h,
               visits, probes, gets);
        return 0;
    }
    if (strcmp(mode, "recover-child") == 0) {
        /* as "recover", but the FR_INIT call comes from text's FMP */
        text_setup(200);
        printf("sum %ld\n", math_sum(NULL, (size_t)-3));   /* crashes, then not */
        return 0;
    }
    if (strcmp(mode, "recover-nested") == 0) {
        int w = 5;
        store_put("weight", &w, sizeof w);
        math_init(-1);        /* base = text_weight(0, 1): 5, read from store */
        printf("sum %ld\n", math_sum(NULL, (size_t)-3));   /* crashes, then not */
        return 0;
    }
    if (strcmp(mode, "recover-child-gone") == 0 || strcmp(mode, "recover-child-nested") == 0) {
        /* texts made the FR_INIT call, and is not the incarnation that did */
        int w = 5, nested = strcmp(mode, "recover-child-nested") == 0;
        if (nested)
            store_put("weight", &w, sizeof w);
        text_setup(nested ? -1 : 200);   /* -1: base = text_weight(0, 1), from store */
        restart_fmp(1);
        printf("sum %ld\n", math_sum(NULL, (size_t)-3));   /* crashes, then not */
        return 0;
    }
    if (strncmp(mode, "init-chain", 10) == 0) {
        /* init-chain-N: N ints; the rounds may follow */
        int nrounds = argc > 2 ? atoi(argv[2]) : 3;
        size_t n = mode[10] == '-' ? (size_t)atol(mode + 11) : 1;
        printf("text_init gave %d\n", text_init(5, n));
        init_report("set up");
        for (int round = 0; round < nrounds; round++) {
            restart_fmp(1);
            init_report("texts restarted");
            restart_fmp(4);
            init_report("tallies restarted");
        }
        return 0;
    }
    if (strcmp(mode, "init-race") == 0) {
        long pids[2] = { text_report(1), text_report(4) };
        pthread_t t;
        pthread_create(&t, NULL, race, pids);
        printf("text_init gave %d\n", text_init(5, 1));
        pthread_join(t, NULL);
        init_report("tallies killed while texts had not copied its call");
        return 0;
    }
    if (strcmp(mode, "init-both") == 0) {
        printf("text_init gave %d\n", text_init(5, 1));
        init_report("set up");
        long texts = text_report(1), tallies = text_report(4), now = texts;
        kill((pid_t)tallies, SIGKILL);
        kill((pid_t)texts, SIGKILL);
        /* each comes back, after a second death in its replay */
        for (int i = 0; i < 1000 && (now == texts || now == tallies); i++) {
            usleep(10 * 1000);
            now = text_report(1);
            if (now != texts && text_report(4) == tallies)
                now = tallies;
        }
        init_report("both killed");
        return 0;
    }
    if (strcmp(mode, "init-lost") == 0) {
        printf("text_init gave %d\n", text_init(5, 1));   /* texts dies in it */
        restart_fmp(4);
        init_report("tallies restarted");
        return 0;
    }
    if (strcmp(mode, "recover") == 0) {
        int w = 7;
        math_init(100);
        store_put("before", &w, sizeof w);
        printf("sum %ld\n", math_sum(NULL, (size_t)-3));   /* crashes, then not */
        printf("fold %ld\n", text_render("before"));
        return 0;
    }
    if (strcmp(mode, "pipe") == 0) {
        /* No CLOEXEC, as a careless program makes it: a warm spare the
         * supervisor starts after the restart must not get it. */
        int fds[2];
        char c;
        if (pipe(fds) < 0)
            return 1;
        math_init(100);
        printf("sum %ld\n", math_sum(NULL, (size_t)-3));   /* crashes, then not */
        usleep(300 * 1000);   /* the next spare comes once the replays are done */
        close(fds[1]);
        struct pollfd pfd = { fds[0], POLLIN, 0 };
        int ready = poll(&pfd, 1, 5000);
        printf("pipe %s\n", ready == 1 && read(fds[0], &c, 1) == 0 ? "EOF" : "held open elsewhere");
        close(fds[0]);
        return 0;
    }
    if (strcmp(mode, "crash") == 0) {
        printf("sum %ld\n", math_sum(NULL, (size_t)-2));   /* the math module crashes */
        return 0;
    }
    if (strcmp(mode, "soak") == 0) {
        /* one batch of calls per line read; the driver kills the math FMP
         * meanwhile, every batch must still answer once, and right */
        int v[256];
        char line[64];
        printf("ready\n");
        fflush(stdout);
        while (fgets(line, sizeof line, stdin)) {
            for (int i = 0; i < 256; i++)
                v[i] = i;
            math_scale(v, 256, 3);
            printf("ok %ld\n", math_sum(v, 256) + math_sum(v, 128));
            fflush(stdout);
        }
        return 0;
    }
    if (strcmp(mode, "causeway") == 0) {
        /* metadata of every merge through nested calls and callbacks
         * (metatypes.c): the values after each call, the same in every
         * deployment */
        static const uint64_t start[CW_NTYPES] = { 11, 500, 3, 20, 4, 0, 0 };
        int v[4] = { 1, 2, 3, 4 };
        store_put("cw", v, sizeof v);
        /* each step twice: the u64 types, then the bytes one (with the
         * count), so that neither set overflows a header */
        for (int step = 0; step < 10; step++) {
            long r = 0;
            /* what text_meta leaves goes too: the set stays the same
             * size from step to step */
            fr_meta_del(2);
            fr_meta_remove(ledger_high, 0);
            for (int t = 0; t < CW_NTYPES; t++)
                fr_meta_remove(cw_type[t], 0);
            for (int t = 0; t < CW_NTYPES; t++) {
                int rc = 0;
                if (t == CW_CAT && step % 2)
                    rc = fr_meta_insert(cw_type[t], 0, "m", 1);
                else if (t == CW_HOPS || (t != CW_CAT && !(step % 2)))
                    rc = fr_meta_insert_u64(cw_type[t], 0, start[t] + (uint64_t)step);
                if (rc < 0)
                    printf("insert %d: %d\n", t, rc);
            }
            switch (step / 2) {
            case 0: r = text_meta(); break;                  /* one hop */
            case 1: r = math_sum(v, 4); break;               /* to math (replicated, sampled) */
            case 2: r = math_fold(main_probe, v, 4); break;  /* a callback into main, nested */
            case 3: r = text_render("cw"); break;            /* text -> store, math -> text */
            case 4: r = store_each(main_visit); break;       /* a callback from store */
            }
            printf("step %d.%d (%ld):", step / 2, step % 2, r);
            for (int t = 0; t < CW_NTYPES; t++) {
                struct fr_meta_value mv;
                if (fr_meta_lookup(cw_type[t], 0, &mv) < 0)
                    printf(" -");
                else if (t == CW_CAT)
                    printf(" %.*s", (int)mv.len, (const char *)mv.bytes);
                else
                    printf(" %llu", (unsigned long long)mv.u64);
            }
            printf("\n");
        }
        return 0;
    }
    if (strcmp(mode, "sample") == 0) {
        /* the sequence of instances, then how many calls each served */
        int count[10] = { 0 };
        char seq[401];
        for (int i = 0; i < 400; i++) {
            int who = math_whoami();
            seq[i] = (char)('0' + (who >= 0 && who < 10 ? who : 9));
            count[who >= 0 && who < 10 ? who : 9]++;
        }
        seq[400] = '\0';
        printf("sequence %s\n", seq);
        for (int i = 0; i < 10; i++)
            if (count[i])
                printf("instance %d served %d\n", i, count[i]);
        return 0;
    }
    if (strcmp(mode, "nested") == 0 || strcmp(mode, "nested-full") == 0) {
        int v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, kept = 0;
        /* nested-full: the thread's metadata fills a header (8 keys, 16
         * entries); the group's pin has room of its own */
        for (uint64_t k = 0; mode[6] && k < 9; k++) {
            int rc = fr_meta_set(0x700 + k, k);
            if (rc != (k < 8 ? 0 : -ENOSPC))
                printf("fr_meta_set %llu: %d\n", (unsigned long long)k, rc);
        }
        for (int round = 0; round < 30; round++) {
            nprobed = 0;
            long s = math_fold(main_probe, v, 8);
            int same = nprobed == 8;
            for (int i = 1; i < nprobed; i++)
                same &= probed[i] == probed[0];
            kept += same && s == 36;
        }
        printf("nested calls stayed with their instance in %d of 30 calls\n", kept);
        for (uint64_t k = 0, val; mode[6] && k < 8; k++)
            if (fr_meta_get(0x700 + k, &val) < 0 || val != k)
                printf("key %llu lost\n", (unsigned long long)k);
        return 0;
    }
    if (strcmp(mode, "leak") == 0) {
        int v[16];
        long total = 0;
        for (int i = 0; i < 16; i++)
            v[i] = i;
        for (int i = 0; i < 60; i++)
            total += math_sum(v, 16);
        printf("leak total %ld\n", total);
        return 0;
    }
    if (strcmp(mode, "fork-idle") == 0) {
        /* a fork without exec, as a server's worker: it must not keep the
         * root's control socket (e2e.ps-ctl); it dies with the root */
        pid_t child = fork();
        if (child == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            for (;;)
                pause();
        }
        printf("forked %d\n", (int)child);
        fflush(stdout);
        while (getchar() != EOF)
            ;
        return 0;
    }
    if (strcmp(mode, "pids") == 0) {
        int w = 1;
        store_put("x", &w, sizeof w);
        printf("ready\n");
        while (getchar() != EOF)
            ;
        return 0;
    }
    return run_workload();
}
