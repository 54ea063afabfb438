/*
 * fuzz_request.c - libFuzzer target for the callee's request decoder: the
 * bytes a caller FMP (a child calling the root, a callback coming back)
 * writes into a request, read by a dispatcher through fr_arg_* against the
 * parameters it declares, then answered with fr_ret_*.  Whatever the
 * bytes, nothing is read or written out of bounds, nothing leaks, and a
 * request that does not match the declaration fails with -EPROTO.
 *
 * Input: byte 0 picks how many parameters the dispatcher declares (1..8);
 * the next 8 bytes pick each one's kind (byte % 7) and size (byte / 7);
 * the rest is the request.  The dispatcher touches every byte each
 * fr_arg_* hands it (ASan checks the sizes are real) and sends some of
 * them back, as generated dispatchers do.  Buffers that share the
 * caller's memory (SPAN and ALIAS fields) come through fr_arg_in/out.  Descriptors are not fuzzed:
 * fr_arg_fd takes its descriptor from the region's socket, not the bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"
#include "callee.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cb_impl(void)
{
}

/* Function 1 may cross as a callback; function 0 may not. */
static const struct fr_module fuzz_modules[] = { { "main", 0 }, { "lib", 0 } };
static const struct fr_function fuzz_functions[] = {
    { "plain", 1, 0, NULL, (fr_fnptr)cb_impl, (fr_fnptr)cb_impl, NULL, 0 },
    { "visit", 0, FR_FN_CALLBACK, NULL, (fr_fnptr)cb_impl, (fr_fnptr)cb_impl, NULL, 0 },
};
static const struct fr_app fuzz_app = {
    .abi_version = FR_ABI_VERSION,
    .name = "fuzz",
    .modules = fuzz_modules,
    .nmodules = 2,
    .functions = fuzz_functions,
    .nfunctions = 2,
};

static unsigned nparams;
static const uint8_t *sel;
static volatile unsigned char sink;

static void touch(const void *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sink ^= ((const unsigned char *)p)[i];
}

static int dispatch(struct fr_callee *cc)
{
    unsigned char scalar[8];
    char *strbuf = NULL;
    size_t strbuf_cap = 0;
    int rc = 0;

    for (unsigned i = 0; i < nparams && rc == 0; i++) {
        size_t n = sel[i] / 7;
        void *p = NULL;
        size_t len = 0;
        char *s = NULL;
        fr_fnptr fn = NULL;

        switch (sel[i] % 7) {
        case 0:
            rc = fr_arg_scalar(cc, scalar, n % 9);
            if (rc == 0)
                rc = fr_ret_scalar(cc, scalar, n % 9);
            break;
        case 1: /* FR_IN / FR_INOUT: read it, send it back */
            rc = fr_arg_in(cc, &p, &len);
            if (rc == 0) {
                touch(p, len);
                rc = fr_ret_buf(cc, p, len);
            }
            break;
        case 2: /* FR_OUT: the callee fills all of it */
            rc = fr_arg_out(cc, &p, &len);
            if (rc == 0 && p) {
                memset(p, 0x5a, len);
                rc = fr_ret_buf(cc, p, len);
            }
            break;
        case 3:
            rc = fr_arg_string(cc, &s);
            if (rc == 0) {
                if (s)
                    touch(s, strlen(s) + 1);
                rc = fr_ret_string(cc, s);
            }
            break;
        case 4: /* FR_STRING with FR_INOUT(cap): made a buffer below */
            rc = fr_arg_string(cc, &strbuf);
            strbuf_cap = n + 1;
            break;
        case 5:
            rc = fr_arg_callback(cc, &fn);
            if (rc == 0 && fn)
                fn();
            break;
        case 6: { /* FR_IN(n) of strings: a NULL-ended array */
            char **v = NULL;
            size_t k = 0;
            rc = fr_arg_strings(cc, &v, &k);
            for (size_t j = 0; rc == 0 && v && j < k; j++)
                if (v[j])
                    touch(v[j], strlen(v[j]) + 1);
            if (rc == 0 && v && v[k])
                abort();      /* the array must end in NULL */
            break;
        }
        }
    }
    if (rc == 0 && strbuf_cap) {
        rc = fr_arg_strbuf(cc, &strbuf, strbuf_cap);
        if (rc == 0 && strbuf) {
            memset(strbuf, 'x', strbuf_cap);   /* left unterminated on purpose */
            rc = fr_ret_strbuf(cc, strbuf, strbuf_cap);
        }
    }
    /* memory the function hands over, freed after the reply */
    if (rc == 0)
        rc = fr_ret_owned(cc, malloc(16));
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *req;

    if (size < 9)
        return 0;
    fr__rt.app = &fuzz_app;
    fr__rt.max_payload = 1 << 20;
    nparams = data[0] % 8 + 1;
    sel = data + 1;
    /* a private copy, as the channel makes: the decoder reads only it */
    req = malloc(size - 9 ? size - 9 : 1);
    memcpy(req, data + 9, size - 9);
    fr__callee_decode(req, size - 9, dispatch);
    free(req);
    return 0;
}
