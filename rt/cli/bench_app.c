/*
 * bench_app.c - the modules `fracture bench` calls: `near` stays in the
 * root, `far` gets an FMP of its own, `rep` is replicated three ways, and
 * `samp1` / `samp5` are sampled with 1 % / 5 % of calls to a memcheck
 * instance, and `boxed` runs in an FMP under `sandbox: strict`.  Stubs and dispatchers are written
 * on the stub ABI as fracture-annotate generates them (each stub in the
 * file of the function it stands for), so the bench times exactly the code
 * an annotated app runs.
 */
#include <errno.h>
#include <fracture/abi.h>
#include <fracture/hook.h>
#include <stddef.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"

enum { MOD_main, MOD_near, MOD_far, MOD_rep, MOD_samp1, MOD_samp5, MOD_boxed, NMODULES };
enum { FN_near_null, FN_far_null, FN_far_inout, FN_far_hang, FN_rep_null, FN_samp1_null,
       FN_samp5_null, FN_boxed_null, FN_far_fd, FN_far_hook, NFUNCS };

__attribute__((noinline)) void fr_bench_direct_null(void)
{
    __asm__ volatile("" ::: "memory");
}

/* As the annotator emits a stub into the file that defines the function,
 * the compiler may inline the implementation into the stub's local path:
 * a same-FMP call costs one compare and one not-taken branch. */
static inline void impl_near_null(void)
{
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void impl_far_null(void)
{
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void impl_far_inout(void *buf, size_t n)
{
    /* touch both ends: the data really crossed */
    if (n) {
        ((unsigned char *)buf)[0]++;
        ((unsigned char *)buf)[n - 1]++;
    }
}

__attribute__((noinline)) void fr_bench_near_null(void)
{
    struct fr_call c;

    if (FR_LOCAL(MOD_near)) {
        impl_near_null();
        return;
    }
    fr_call_begin(&c, FN_near_null);
    fr_call_invoke(&c);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
}


__attribute__((noinline)) static void impl_far_fd(int fd)
{
    (void)fd;
    __asm__ volatile("" ::: "memory");
}

/* A null call that lends a descriptor (FR_FD): what passing one costs
 * (fracture partition prices a traced edge's descriptors by it). */
__attribute__((noinline)) void fr_bench_far_fd(int fd)
{
    struct fr_call c;

    if (FR_LOCAL(MOD_far)) {
        impl_far_fd(fd);
        return;
    }
    fr_call_begin(&c, FN_far_fd);
    fr_put_fd(&c, fd);
    fr_call_invoke(&c);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
}

__attribute__((noinline)) void fr_bench_far_inout(void *buf, size_t n)
{
    struct fr_call c;

    if (FR_LOCAL(MOD_far)) {
        impl_far_inout(buf, n);
        return;
    }
    fr_call_begin(&c, FN_far_inout);
    fr_put_inout(&c, buf, n);
    fr_put_scalar(&c, &n, sizeof n);
    if (fr_call_invoke(&c) == 0)
        fr_get_buf(&c, buf, n);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
}

/* Null calls to far, to the replicated module, to the two sampled ones
 * and to the sandboxed one: one stub shape (inlined) for the five, which
 * differ only by module and function. */
static inline void policy_null(unsigned mod, unsigned fn)
{
    struct fr_call c;

    if (FR_LOCAL(mod)) {
        impl_far_null();
        return;
    }
    fr_call_begin(&c, fn);
    fr_call_invoke(&c);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
}

__attribute__((noinline)) void fr_bench_far_null(void)
{
    policy_null(MOD_far, FN_far_null);
}

__attribute__((noinline)) void fr_bench_rep_null(void)
{
    policy_null(MOD_rep, FN_rep_null);
}

__attribute__((noinline)) void fr_bench_samp1_null(void)
{
    policy_null(MOD_samp1, FN_samp1_null);
}

__attribute__((noinline)) void fr_bench_samp5_null(void)
{
    policy_null(MOD_samp5, FN_samp5_null);
}

__attribute__((noinline)) void fr_bench_boxed_null(void)
{
    policy_null(MOD_boxed, FN_boxed_null);
}

/* The restart figure: the incarnation @victim hangs (until the bench kills
 * it); any other, such as its restarted successor, returns at once. */
__attribute__((noinline)) static void impl_far_hang(int victim)
{
    if (getpid() == victim)
        for (;;)
            pause();
}

__attribute__((noinline)) void fr_bench_far_hang(int victim)
{
    struct fr_call c;

    if (FR_LOCAL(MOD_far)) {
        impl_far_hang(victim);
        return;
    }
    fr_call_begin(&c, FN_far_hang);
    fr_put_scalar(&c, &victim, sizeof victim);
    fr_call_invoke(&c);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
}

static int d_far_hang(struct fr_callee *cc)
{
    int victim;

    if (fr_arg_scalar(cc, &victim, sizeof victim))
        return -EPROTO;
    fr_errno_enter(cc);
    impl_far_hang(victim);
    fr_errno_leave(cc, errno);
    return 0;
}

/* cross_null_hook: a no-op shadow on far_null, registered (@on) or taken
 * away again in the FMP that runs module far, where shadows run. */
static int noop_shadow(const struct fr_hook_call *hc, void *ud)
{
    (void)hc;
    (void)ud;
    return 0;
}

__attribute__((noinline)) static int impl_far_hook(int on)
{
    static int id = -1;
    struct fr_hook h = { .functions = "far_null", .shadow_before = noop_shadow,
                         .shadow_after = noop_shadow };

    if (on)
        return id >= 0 ? 0 : fr_hook_register(&h, &id);
    if (id < 0)
        return 0;
    int rc = fr_hook_unregister(id);
    id = -1;
    return rc;
}

__attribute__((noinline)) int fr_bench_far_hook(int on)
{
    struct fr_call c;
    int ret = -EIO;

    if (FR_LOCAL(MOD_far))
        return impl_far_hook(on);
    fr_call_begin(&c, FN_far_hook);
    fr_put_scalar(&c, &on, sizeof on);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        return -EIO;
    return ret;
}

static int d_far_hook(struct fr_callee *cc)
{
    int on, ret;

    if (fr_arg_scalar(cc, &on, sizeof on))
        return -EPROTO;
    ret = impl_far_hook(on);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_null(struct fr_callee *cc)
{
    fr_errno_enter(cc);
    impl_far_null();
    fr_errno_leave(cc, errno);
    return 0;
}

static int d_near_null(struct fr_callee *cc)
{
    fr_errno_enter(cc);
    impl_near_null();
    fr_errno_leave(cc, errno);
    return 0;
}

static int d_far_fd(struct fr_callee *cc)
{
    int fd;

    if (fr_arg_fd(cc, &fd))
        return -EPROTO;
    fr_errno_enter(cc);
    impl_far_fd(fd);
    fr_errno_leave(cc, errno);
    return 0;
}

static int d_far_inout(struct fr_callee *cc)
{
    void *buf;
    size_t len, n;

    if (fr_arg_in(cc, &buf, &len) || fr_arg_scalar(cc, &n, sizeof n) || len != n)
        return -EPROTO;
    fr_errno_enter(cc);
    impl_far_inout(buf, n);
    fr_errno_leave(cc, errno);
    return fr_ret_buf(cc, buf, n);
}

static const struct fr_module modules[NMODULES] = {
    { "main", 0 }, { "near", FR_RESTARTABLE }, { "far", FR_RESTARTABLE },
    { "rep", FR_REPLICABLE }, { "samp1", FR_SAMPLABLE }, { "samp5", FR_SAMPLABLE },
    { "boxed", 0 },
};

static const struct fr_function functions[NFUNCS] = {
    { "near_null", MOD_near, 0, d_near_null, (fr_fnptr)fr_bench_near_null, (fr_fnptr)impl_near_null, NULL, 0 },
    { "far_null", MOD_far, 0, d_null, (fr_fnptr)fr_bench_far_null, (fr_fnptr)impl_far_null, NULL, 0 },
    { "far_inout", MOD_far, 0, d_far_inout, (fr_fnptr)fr_bench_far_inout, (fr_fnptr)impl_far_inout, NULL, 0 },
    { "far_hang", MOD_far, 0, d_far_hang, (fr_fnptr)fr_bench_far_hang, (fr_fnptr)impl_far_hang, NULL, 0 },
    { "rep_null", MOD_rep, 0, d_null, (fr_fnptr)fr_bench_rep_null, (fr_fnptr)impl_far_null, NULL, 0 },
    { "samp1_null", MOD_samp1, 0, d_null, (fr_fnptr)fr_bench_samp1_null, (fr_fnptr)impl_far_null, NULL, 0 },
    { "samp5_null", MOD_samp5, 0, d_null, (fr_fnptr)fr_bench_samp5_null, (fr_fnptr)impl_far_null, NULL, 0 },
    { "boxed_null", MOD_boxed, 0, d_null, (fr_fnptr)fr_bench_boxed_null, (fr_fnptr)impl_far_null, NULL, 0 },
    { "far_fd", MOD_far, 0, d_far_fd, (fr_fnptr)fr_bench_far_fd, (fr_fnptr)impl_far_fd, NULL, 0 },
    { "far_hook", MOD_far, 0, d_far_hook, (fr_fnptr)fr_bench_far_hook, (fr_fnptr)impl_far_hook, NULL, 0 },
};

static const struct fr_edge edges[] = {
    { MOD_main, MOD_near }, { MOD_main, MOD_far }, { MOD_main, MOD_rep },
    { MOD_main, MOD_samp1 }, { MOD_main, MOD_samp5 }, { MOD_main, MOD_boxed },
};

static const struct fr_app bench_app = {
    FR_ABI_VERSION, "fracture-bench", modules, NMODULES, functions, NFUNCS, edges,
    sizeof edges / sizeof edges[0], NULL,
};

/* The program's main, run in the root: fracture-bench bench OPTIONS... */
static int program_main(int argc, char **argv)
{
    return fr__bench_run(argc - 1, argv + 1);
}

int fr_bench_main(int argc, char **argv)
{
    return fr_main(&bench_app, argc, argv, program_main);
}
