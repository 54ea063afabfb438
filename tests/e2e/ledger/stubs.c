/*
 * stubs.c - hand-written stubs for the ledger test program, exactly as
 * fracture-annotate is to generate them: a caller stub per function (local
 * fast path, marshal, invoke, unmarshal, failure policy), a dispatcher per
 * function, the module table, and main().
 */
#include <errno.h>
#include <fracture/abi.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"

enum {
    FN_store_put, FN_store_get, FN_store_each, FN_store_total,
    FN_math_init, FN_math_sum, FN_math_scale, FN_math_fold,
    FN_text_render, FN_text_upper, FN_text_write, FN_text_meta,
    FN_evil_fill, FN_main_visit, FN_text_weight, FN_text_setup, FN_math_whoami,
    FN_main_probe, FN_tally_add, FN_tally_report, FN_text_init, FN_text_report, NFUNCS
};

/* ---- caller stubs ------------------------------------------------------ */

int store_put(const char *key, const void *val, size_t len)
{
    struct fr_call c;
    int ret = 0;

    if (FR_LOCAL(MOD_store))
        return __fr_impl_store_put(key, val, len);
    fr_call_begin(&c, FN_store_put);
    fr_put_string(&c, key);
    fr_put_in(&c, val, len);
    fr_put_scalar(&c, &len, sizeof len);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

int store_get(const char *key, void *out, size_t cap, size_t *len)
{
    struct fr_call c;
    int ret = 0;

    if (FR_LOCAL(MOD_store))
        return __fr_impl_store_get(key, out, cap, len);
    fr_call_begin(&c, FN_store_get);
    fr_put_string(&c, key);
    fr_put_out(&c, out, cap);
    fr_put_scalar(&c, &cap, sizeof cap);
    fr_put_out(&c, len, sizeof *len);
    if (fr_call_invoke(&c) == 0) {
        fr_get_scalar(&c, &ret, sizeof ret);
        fr_get_buf(&c, out, cap);
        fr_get_buf(&c, len, sizeof *len);
    }
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

int store_each(int (*visit)(const char *key, size_t len))
{
    struct fr_call c;
    int ret = 0;

    if (FR_LOCAL(MOD_store))
        return __fr_impl_store_each(visit);
    fr_call_begin(&c, FN_store_each);
    fr_put_callback(&c, (fr_fnptr)visit);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

long store_total(void)
{
    struct fr_call c;
    long ret = 0;

    if (FR_LOCAL(MOD_store))
        return __fr_impl_store_total();
    fr_call_begin(&c, FN_store_total);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

/* FR_INIT */
void math_init(int base)
{
    struct fr_call c;

    if (FR_LOCAL(MOD_math)) {
        __fr_impl_math_init(base);
        return;
    }
    fr_call_begin(&c, FN_math_init);
    fr_put_scalar(&c, &base, sizeof base);
    fr_call_invoke(&c);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
}

long math_sum(const int *v, size_t n)
{
    struct fr_call c;
    long ret = 0;

    if (FR_LOCAL(MOD_math))
        return __fr_impl_math_sum(v, n);
    fr_call_begin(&c, FN_math_sum);
    fr_put_in(&c, v, n * sizeof *v);
    fr_put_scalar(&c, &n, sizeof n);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

int math_whoami(void)
{
    struct fr_call c;
    int ret = 0;

    if (FR_LOCAL(MOD_math))
        return __fr_impl_math_whoami();
    fr_call_begin(&c, FN_math_whoami);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

void math_scale(int *v, size_t n, int k)
{
    struct fr_call c;

    if (FR_LOCAL(MOD_math)) {
        __fr_impl_math_scale(v, n, k);
        return;
    }
    fr_call_begin(&c, FN_math_scale);
    fr_put_inout(&c, v, n * sizeof *v);
    fr_put_scalar(&c, &n, sizeof n);
    fr_put_scalar(&c, &k, sizeof k);
    if (fr_call_invoke(&c) == 0)
        fr_get_buf(&c, v, n * sizeof *v);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
}

long math_fold(long (*f)(long acc, int x), const int *v, size_t n)
{
    struct fr_call c;
    long ret = 0;

    if (FR_LOCAL(MOD_math))
        return __fr_impl_math_fold(f, v, n);
    fr_call_begin(&c, FN_math_fold);
    fr_put_callback(&c, (fr_fnptr)f);
    fr_put_in(&c, v, n * sizeof *v);
    fr_put_scalar(&c, &n, sizeof n);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

long text_render(const char *key)
{
    struct fr_call c;
    long ret = 0;

    if (FR_LOCAL(MOD_text))
        return __fr_impl_text_render(key);
    fr_call_begin(&c, FN_text_render);
    fr_put_string(&c, key);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

char *text_upper(const char *s)
{
    struct fr_call c;
    char *ret = NULL;

    if (FR_LOCAL(MOD_text))
        return __fr_impl_text_upper(s);
    fr_call_begin(&c, FN_text_upper);
    fr_put_string(&c, s);
    if (fr_call_invoke(&c) == 0)
        fr_get_string(&c, &ret, (size_t)1 << 20);
    if (fr_call_end(&c) < 0) {
        free(ret);
        fr_call_abort(&c);
    }
    return ret;
}

ssize_t text_write(int fd, const char *s)
{
    struct fr_call c;
    ssize_t ret = 0;

    if (FR_LOCAL(MOD_text))
        return __fr_impl_text_write(fd, s);
    fr_call_begin(&c, FN_text_write);
    fr_put_fd(&c, fd);
    fr_put_string(&c, s);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

int text_meta(void)
{
    struct fr_call c;
    int ret = 0;

    if (FR_LOCAL(MOD_text))
        return __fr_impl_text_meta();
    fr_call_begin(&c, FN_text_meta);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

/* FR_ON_FAILURE(-1, EIO) */
int evil_fill(void *out, size_t n)
{
    struct fr_call c;
    int ret = 0;

    if (FR_LOCAL(MOD_evil))
        return __fr_impl_evil_fill(out, n);
    fr_call_begin(&c, FN_evil_fill);
    fr_put_out(&c, out, n);
    fr_put_scalar(&c, &n, sizeof n);
    if (fr_call_invoke(&c) == 0) {
        fr_get_scalar(&c, &ret, sizeof ret);
        fr_get_buf(&c, out, n);
    }
    if (fr_call_end(&c) < 0) {
        errno = EIO;
        return -1;
    }
    return ret;
}

int main_visit(const char *key, size_t len)
{
    struct fr_call c;
    int ret = 0;

    if (FR_LOCAL(MOD_main))
        return __fr_impl_main_visit(key, len);
    fr_call_begin(&c, FN_main_visit);
    fr_put_string(&c, key);
    fr_put_scalar(&c, &len, sizeof len);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

long text_weight(long acc, int x)
{
    struct fr_call c;
    long ret = 0;

    if (FR_LOCAL(MOD_text))
        return __fr_impl_text_weight(acc, x);
    fr_call_begin(&c, FN_text_weight);
    fr_put_scalar(&c, &acc, sizeof acc);
    fr_put_scalar(&c, &x, sizeof x);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

long main_probe(long acc, int x)
{
    struct fr_call c;
    long ret = 0;

    if (FR_LOCAL(MOD_main))
        return __fr_impl_main_probe(acc, x);
    fr_call_begin(&c, FN_main_probe);
    fr_put_scalar(&c, &acc, sizeof acc);
    fr_put_scalar(&c, &x, sizeof x);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

void text_setup(int base)
{
    struct fr_call c;

    if (FR_LOCAL(MOD_text)) {
        __fr_impl_text_setup(base);
        return;
    }
    fr_call_begin(&c, FN_text_setup);
    fr_put_scalar(&c, &base, sizeof base);
    fr_call_invoke(&c);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
}

/* FR_INIT */
int tally_add(const int *v, size_t n)
{
    struct fr_call c;
    int ret = 0;

    if (FR_LOCAL(MOD_tally))
        return __fr_impl_tally_add(v, n);
    fr_call_begin(&c, FN_tally_add);
    fr_put_in(&c, v, n * sizeof *v);
    fr_put_scalar(&c, &n, sizeof n);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

long tally_report(int what)
{
    struct fr_call c;
    long ret = 0;

    if (FR_LOCAL(MOD_tally))
        return __fr_impl_tally_report(what);
    fr_call_begin(&c, FN_tally_report);
    fr_put_scalar(&c, &what, sizeof what);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

/* FR_INIT, FR_ON_FAILURE(-1, EIO) */
int text_init(int k, size_t n)
{
    struct fr_call c;
    int ret = 0;

    if (FR_LOCAL(MOD_text))
        return __fr_impl_text_init(k, n);
    fr_call_begin(&c, FN_text_init);
    fr_put_scalar(&c, &k, sizeof k);
    fr_put_scalar(&c, &n, sizeof n);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0) {
        errno = EIO;
        return -1;
    }
    return ret;
}

long text_report(int what)
{
    struct fr_call c;
    long ret = 0;

    if (FR_LOCAL(MOD_text))
        return __fr_impl_text_report(what);
    fr_call_begin(&c, FN_text_report);
    fr_put_scalar(&c, &what, sizeof what);
    if (fr_call_invoke(&c) == 0)
        fr_get_scalar(&c, &ret, sizeof ret);
    if (fr_call_end(&c) < 0)
        fr_call_abort(&c);
    return ret;
}

/* ---- dispatchers ------------------------------------------------------- */

static int d_store_put(struct fr_callee *cc)
{
    char *key;
    void *val;
    size_t vlen, len;
    int ret;

    if (fr_arg_string(cc, &key) || fr_arg_in(cc, &val, &vlen) ||
        fr_arg_scalar(cc, &len, sizeof len))
        return -EPROTO;
    if (vlen != len)
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_store_put(key, val, len);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_store_get(struct fr_callee *cc)
{
    char *key;
    void *out, *lenp;
    size_t outn, lenn, cap;
    int ret;

    if (fr_arg_string(cc, &key) || fr_arg_out(cc, &out, &outn) ||
        fr_arg_scalar(cc, &cap, sizeof cap) || fr_arg_out(cc, &lenp, &lenn))
        return -EPROTO;
    if (outn != cap || lenn != sizeof(size_t))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_store_get(key, out, cap, lenp);
    fr_errno_leave(cc, errno);
    if (fr_ret_scalar(cc, &ret, sizeof ret) || fr_ret_buf(cc, out, outn) ||
        fr_ret_buf(cc, lenp, lenn))
        return -ENOMEM;
    return 0;
}

static int d_store_each(struct fr_callee *cc)
{
    fr_fnptr visit;
    int ret;

    if (fr_arg_callback(cc, &visit))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_store_each((int (*)(const char *, size_t))visit);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_store_total(struct fr_callee *cc)
{
    fr_errno_enter(cc);
    long ret = __fr_impl_store_total();
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_math_init(struct fr_callee *cc)
{
    int base;

    if (fr_arg_scalar(cc, &base, sizeof base))
        return -EPROTO;
    fr_errno_enter(cc);
    __fr_impl_math_init(base);
    fr_errno_leave(cc, errno);
    return 0;
}

static int d_math_sum(struct fr_callee *cc)
{
    void *v;
    size_t vlen, n;
    long ret;

    if (fr_arg_in(cc, &v, &vlen) || fr_arg_scalar(cc, &n, sizeof n))
        return -EPROTO;
    if (v && vlen != n * sizeof(int))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_math_sum(v, n);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_math_whoami(struct fr_callee *cc)
{
    fr_errno_enter(cc);
    int ret = __fr_impl_math_whoami();
    fr_errno_leave(cc, errno);

    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_math_scale(struct fr_callee *cc)
{
    void *v;
    size_t vlen, n;
    int k;

    if (fr_arg_in(cc, &v, &vlen) || fr_arg_scalar(cc, &n, sizeof n) ||
        fr_arg_scalar(cc, &k, sizeof k))
        return -EPROTO;
    if (vlen != n * sizeof(int))
        return -EPROTO;
    fr_errno_enter(cc);
    __fr_impl_math_scale(v, n, k);
    fr_errno_leave(cc, errno);
    return fr_ret_buf(cc, v, vlen);
}

static int d_math_fold(struct fr_callee *cc)
{
    fr_fnptr f;
    void *v;
    size_t vlen, n;
    long ret;

    if (fr_arg_callback(cc, &f) || fr_arg_in(cc, &v, &vlen) ||
        fr_arg_scalar(cc, &n, sizeof n))
        return -EPROTO;
    if (vlen != n * sizeof(int))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_math_fold((long (*)(long, int))f, v, n);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_text_render(struct fr_callee *cc)
{
    char *key;
    long ret;

    if (fr_arg_string(cc, &key))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_text_render(key);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_text_upper(struct fr_callee *cc)
{
    char *s, *ret;

    if (fr_arg_string(cc, &s))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_text_upper(s);
    fr_errno_leave(cc, errno);
    /* FR_RET_OWNED: the caller gets its own copy; ours goes once it is sent. */
    if (fr_ret_owned(cc, ret) || fr_ret_string(cc, ret))
        return -ENOMEM;
    return 0;
}

static int d_text_write(struct fr_callee *cc)
{
    int fd;
    char *s;
    ssize_t ret;

    if (fr_arg_fd(cc, &fd) || fr_arg_string(cc, &s))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_text_write(fd, s);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_text_meta(struct fr_callee *cc)
{
    fr_errno_enter(cc);
    int ret = __fr_impl_text_meta();
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

/* The misbehaving dispatcher: replies with 16 bytes more than asked. */
static int d_evil_fill(struct fr_callee *cc)
{
    void *out;
    size_t outn, n;
    int ret;
    char *big;

    if (fr_arg_out(cc, &out, &outn) || fr_arg_scalar(cc, &n, sizeof n))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_evil_fill(out, outn);
    fr_errno_leave(cc, errno);
    big = calloc(1, outn + 16);
    if (fr_ret_owned(cc, big) || !big)
        return -ENOMEM;
    memcpy(big, out, outn);
    if (fr_ret_scalar(cc, &ret, sizeof ret) || fr_ret_buf(cc, big, outn + 16))
        return -ENOMEM;
    return 0;
}

static int d_main_visit(struct fr_callee *cc)
{
    char *key;
    size_t len;
    int ret;

    if (fr_arg_string(cc, &key) || fr_arg_scalar(cc, &len, sizeof len))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_main_visit(key, len);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_text_weight(struct fr_callee *cc)
{
    long acc, ret;
    int x;

    if (fr_arg_scalar(cc, &acc, sizeof acc) || fr_arg_scalar(cc, &x, sizeof x))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_text_weight(acc, x);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_main_probe(struct fr_callee *cc)
{
    long acc, ret;
    int x;

    if (fr_arg_scalar(cc, &acc, sizeof acc) || fr_arg_scalar(cc, &x, sizeof x))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_main_probe(acc, x);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_text_setup(struct fr_callee *cc)
{
    int base;

    if (fr_arg_scalar(cc, &base, sizeof base))
        return -EPROTO;
    fr_errno_enter(cc);
    __fr_impl_text_setup(base);
    fr_errno_leave(cc, errno);
    return 0;
}

static int d_tally_add(struct fr_callee *cc)
{
    void *v;
    size_t vlen, n;
    int ret;

    if (fr_arg_in(cc, &v, &vlen) || fr_arg_scalar(cc, &n, sizeof n))
        return -EPROTO;
    if (n > vlen / sizeof(int) || vlen != n * sizeof(int))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_tally_add(v, n);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_tally_report(struct fr_callee *cc)
{
    int what;
    long ret;

    if (fr_arg_scalar(cc, &what, sizeof what))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_tally_report(what);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_text_init(struct fr_callee *cc)
{
    int k, ret;
    size_t n;

    if (fr_arg_scalar(cc, &k, sizeof k) || fr_arg_scalar(cc, &n, sizeof n))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_text_init(k, n);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

static int d_text_report(struct fr_callee *cc)
{
    int what;
    long ret;

    if (fr_arg_scalar(cc, &what, sizeof what))
        return -EPROTO;
    fr_errno_enter(cc);
    ret = __fr_impl_text_report(what);
    fr_errno_leave(cc, errno);
    return fr_ret_scalar(cc, &ret, sizeof ret);
}

/* ---- module table ------------------------------------------------------ */

static const struct fr_module modules[NMODULES] = {
    [MOD_main] = { "main", 0 },
    [MOD_store] = { "store", FR_RESTARTABLE },
    [MOD_math] = { "math", FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE },
    [MOD_text] = { "text", FR_RESTARTABLE },
    [MOD_evil] = { "evil", 0 },
    [MOD_tally] = { "tally", FR_RESTARTABLE },
};

#define FN(m, name, flags) \
    [FN_##name] = { #name, MOD_##m, flags, d_##name, (fr_fnptr)name, (fr_fnptr)__fr_impl_##name, \
                    NULL, 0 }

static const struct fr_function functions[NFUNCS] = {
    FN(store, store_put, 0),
    FN(store, store_get, 0),
    FN(store, store_each, 0),
    FN(store, store_total, 0),
    FN(math, math_init, FR_FN_INIT),
    FN(math, math_sum, 0),
    FN(math, math_scale, 0),
    FN(math, math_fold, 0),
    FN(text, text_render, 0),
    FN(text, text_upper, 0),
    FN(text, text_write, 0),
    FN(text, text_meta, 0),
    FN(evil, evil_fill, 0),
    FN(main, main_visit, FR_FN_CALLBACK),
    FN(text, text_weight, FR_FN_CALLBACK),
    FN(text, text_setup, 0),
    FN(math, math_whoami, 0),
    FN(main, main_probe, FR_FN_CALLBACK),
    FN(tally, tally_add, FR_FN_INIT),
    FN(tally, tally_report, 0),
    FN(text, text_init, FR_FN_INIT),
    FN(text, text_report, 0),
};

/* Who calls whom, callbacks included (the callee of a callback calls it). */
static const struct fr_edge edges[] = {
    { MOD_main, MOD_store }, { MOD_main, MOD_math }, { MOD_main, MOD_text },
    { MOD_main, MOD_evil }, { MOD_text, MOD_store }, { MOD_text, MOD_math },
    { MOD_math, MOD_text }, { MOD_store, MOD_main }, { MOD_math, MOD_main },
    { MOD_text, MOD_tally },   /* main never calls tally: only text does */
};

static const struct fr_app app = {
    FR_ABI_VERSION, "ledger", modules, NMODULES, functions, NFUNCS,
    edges, sizeof edges / sizeof edges[0], NULL,
};

int main(int argc, char **argv)
{
    return fr_main(&app, argc, argv, ledger_main);
}
