/*
 * local.c - calls while tracing.  A training run must count the bytes a
 * split deployment would carry, whatever its own deployment (all in one
 * above all), so a call between two modules of one FMP is not made
 * directly then: its stub takes the marshalling path (the module is
 * FR_REMOTE_TRACED, trace.h), and fr_call_invoke hands it here.  The
 * request is encoded as the wire would carry it, into a buffer the thread
 * keeps per nesting depth, the dispatcher runs on it in this process
 * (fr__serve_local, callee.c), and the reply comes back encoded, for the
 * stub's fr_get_* to check and copy out as any reply.  The semantics are
 * those of a split call (copy-by-value-result, descriptors duplicated,
 * callbacks as stubs), which the annotator has made those of the plain
 * program.
 *
 * Not done for a local call, as for a direct one: FR_INIT logging (the
 * callee cannot restart apart from its caller), metadata, stdio flushes,
 * the size limit of a message.
 */
#include "local.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "callee.h"
#include "trace.h"
#include "wire.h"

/* The request and reply buffers of one nesting depth of local calls.
 * Each frame stays where it is (the array of pointers may move): a
 * dispatcher several depths down must not move the reply buffer a
 * shallower call is being answered into. */
struct frame {
    void *req, *rep;
    size_t req_cap, rep_cap;
};

static __thread struct frame **stack;
static __thread unsigned nstack, depth;
static pthread_key_t stack_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

/* A thread that made local calls ends: its buffers go with it. */
static void stack_free(void *p)
{
    struct frame **s = p;

    for (unsigned i = 0; i < nstack; i++) {
        free(s[i]->req);
        free(s[i]->rep);
        free(s[i]);
    }
    free(s);
    stack = NULL;
    nstack = 0;
}

static void make_key(void)
{
    (void)pthread_key_create(&stack_key, stack_free);
}

/* The frame of depth @d (made on first use), or NULL without memory. */
static struct frame *frame_at(unsigned d)
{
    if (d < nstack)
        return stack[d];
    struct frame **s = realloc(stack, (d + 1) * sizeof *s);
    if (!s)
        return NULL;
    if (!stack) {
        pthread_once(&key_once, make_key);
        (void)pthread_setspecific(stack_key, s);
    } else if (s != stack) {
        (void)pthread_setspecific(stack_key, s);
    }
    stack = s;
    s[d] = calloc(1, sizeof **s);
    if (!s[d])
        return NULL;
    nstack = d + 1;
    return s[d];
}

/* The descriptors a reply at @p .. @end returns. */
static unsigned reply_fds(const unsigned char *p, const unsigned char *end)
{
    struct fr_wire_reader r = { p, end };
    struct fr_wire_field f;
    unsigned n = 0;

    while (p && r.p < r.end && fr__wire_next(&r, &f) == 0)
        n += f.kind == FR_W_FD;
    return n;
}

int fr__call_local(struct fr_call *c)
{
    const struct fr_function *f = &fr__rt.app->functions[c->fn];
    int from = fr__trace_current(), to = (int)f->module, was = from, rc;
    unsigned d = depth, nfds = 0;
    struct frame *fr;
    size_t len, rlen = 0;
    uint64_t size;

    c->peer = fr__rt.self;    /* no region: nothing to stop, no handle to note */
    if (!f->dispatch)
        return c->err = -ENOSYS;
    size = fr__wire_size(c->fields, c->nfields);
    fr = frame_at(d);
    if (!fr || size > SIZE_MAX)
        return c->err = -ENOMEM;
    if (size > fr->req_cap) {
        void *p = realloc(fr->req, (size_t)size);
        if (!p)
            return c->err = -ENOMEM;
        fr->req = p;
        fr->req_cap = (size_t)size;
    }
    struct fr_wire_enc st = { 0, 0 };
    len = fr__wire_fill(c->fields, c->nfields, &st, fr->req, (size_t)size);
    if (c->nfds_in)
        fr__wire_fd_numbers(fr->req, len, c->fields, c->nfields);
    depth = d + 1;
    if (from != to)
        was = fr__trace_switch(to);
    rc = fr__serve_local(c->fn, fr->req, len, &fr->rep, &fr->rep_cap, &rlen, &nfds);
    if (from != to)
        fr__trace_switch(was);
    depth = d;
    /* calls within a module are no edge: they never cross */
    if (from != to)
        fr__trace_count(from, c->fn, len, rc == 0 ? rlen : 0, (unsigned)c->nfds_in + nfds);
    if (rc < 0)
        return c->err = rc;
    c->rp = fr->rep;
    c->rend = (const unsigned char *)fr->rep + rlen;
    return 0;
}

int fr__call_counted(struct fr_call *c, struct fr_lt *lt,
                     int (*out)(struct fr_call *c, struct fr_lt *lt))
{
    int from = fr__trace_current(), was, rc;
    uint64_t in = fr__wire_size(c->fields, c->nfields);

    was = fr__trace_switch(FR_TRACE_NONE);
    rc = out(c, lt);
    fr__trace_switch(was);
    if (from != (int)fr__rt.app->functions[c->fn].module)
        fr__trace_count(from, c->fn, in, rc == 0 ? (uint64_t)(c->rend - c->rp) : 0,
                        (unsigned)c->nfds_in + (rc == 0 ? reply_fds(c->rp, c->rend) : 0));
    return rc;
}
