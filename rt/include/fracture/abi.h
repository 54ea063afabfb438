/*
 * fracture/abi.h - the stub ABI: the small C interface that generated code
 * (fracture-annotate) and hand-written stubs call.
 *
 * A fractured binary holds every module.  Each process (FMP) knows, per
 * module, whether the module runs here; a caller stub tests that with one
 * load and one predictable branch (FR_LOCAL) and otherwise marshals the
 * call with the fr_put_* / fr_call_invoke / fr_get_* sequence below.  The
 * callee side is one dispatcher per function that unmarshals with
 * fr_arg_*, calls the implementation and marshals the result with fr_ret_*.
 *
 * A stub is emitted into the translation unit that defines its function,
 * so that the compiler may inline the implementation into the local path:
 * then a same-FMP call is the unfractured call plus one compare and one
 * not-taken branch.
 *
 * Wire order is the contract between a caller stub and its dispatcher:
 *   request: one field per parameter, in parameter order
 *            (scalar, in, out, inout, string, fd, callback);
 *   reply:   the return value first (if any), then the OUT/INOUT buffers
 *            in parameter order, then returned descriptors.
 * The caller checks every reply field against what it declared itself
 * (kind and exact length); the callee is never trusted.
 *
 * Example (what the annotator generates for
 *   int store_put(const char *key, FR_IN(n) const void *v, size_t n)):
 *
 *   int store_put(const char *key, const void *v, size_t n)
 *   {
 *       struct fr_call c;
 *       int ret = 0;
 *       if (FR_LOCAL(MOD_store))
 *           return __fr_impl_store_put(key, v, n);
 *       fr_call_begin(&c, FN_store_put);
 *       fr_put_string(&c, key);
 *       fr_put_in(&c, v, n);
 *       fr_put_scalar(&c, &n, sizeof n);
 *       if (fr_call_invoke(&c) == 0)
 *           fr_get_scalar(&c, &ret, sizeof ret);
 *       if (fr_call_end(&c) < 0)
 *           fr_call_abort(&c);          // or: FR_ON_FAILURE's value
 *       return ret;
 *   }
 */
#ifndef FRACTURE_ABI_H
#define FRACTURE_ABI_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever a struct below changes layout or a stub's calling
 * sequence changes: generated code #errors against another version, and
 * fr_main refuses a module table of another one (it names both).
 * 2: struct fr_function describes its parameters (params, nparams) for
 *    hooks (hook.h); struct fr_call carries a hook's failure and the
 *    errno that crosses a call (eno, eno_back).
 * 3: struct fr_call carries a replica's tidy copies of its structs
 *    (alike); stubs call fr_put_tidy / fr_ret_tidy.
 * 4: fr_ret_tidy is given where the struct's bytes were (a replica notes
 *    them there, not in every fr_ret_scalar / fr_ret_buf). */
#define FR_ABI_VERSION 4

#if defined(__GNUC__)
#define FR_API __attribute__((visibility("default")))
#define FR_NORETURN __attribute__((noreturn))
#define FR_LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define FR_API
#define FR_NORETURN
#define FR_LIKELY(x) (x)
#endif

/* Capabilities of a module (FRACTURE_MODULE(name, caps)). */
#define FR_RESTARTABLE 0x1u
#define FR_REPLICABLE 0x2u
#define FR_SAMPLABLE 0x4u

/* Function flags. */
#define FR_FN_INIT 0x1u       /* FR_INIT: logged and replayed after a restart */
#define FR_FN_CALLBACK 0x2u   /* its address may cross FMPs as a callback */

/* Most modules an app may hold (FR_LOCAL indexes a fixed table). */
#define FR_MAX_MODULES 4096

struct fr_callee;

/* Callee side of one function: unmarshal, call, marshal.  Returns 0 or a
 * negative errno (a malformed request). */
typedef int (*fr_dispatch_fn)(struct fr_callee *cc);

/* Generic function pointer type for callbacks and stubs. */
typedef void (*fr_fnptr)(void);

struct fr_module {
    const char *name;
    unsigned caps;            /* FR_RESTARTABLE | FR_REPLICABLE | FR_SAMPLABLE */
};

/* How a parameter crosses (its annotation, written or inferred). */
enum fr_param_kind {
    FR_P_SCALAR = 1,          /* by value: integers, floats, enums, structs */
    FR_P_IN,                  /* FR_IN(n): copied to the callee */
    FR_P_OUT,                 /* FR_OUT(n): copied back */
    FR_P_INOUT,               /* FR_INOUT(n): both */
    FR_P_STRING,              /* FR_STRING */
    FR_P_STRINGS,             /* an array of strings (FR_IN(n) / FR_STRING on a char **) */
    FR_P_FD,                  /* FR_FD / FR_FD_KEEP */
    FR_P_HANDLE,              /* FR_OPAQUE */
    FR_P_CALLBACK,            /* FR_CALLBACK */
    FR_P_HANDLES,             /* FR_IN(n) / FR_OUT(n) / FR_INOUT(n) on an array of handles */
};

/* Parameter flags. */
#define FR_PARAM_DEEP 0x1u    /* structs whose pointer fields are copied too */

/* One parameter of a function, as the annotator saw it: what a hook reads
 * an argument through (hook.h). */
struct fr_param {
    const char *name;         /* "" for an unnamed one */
    unsigned kind;            /* enum fr_param_kind */
    unsigned flags;           /* FR_PARAM_* */
    size_t size;              /* bytes of the value (SCALAR, HANDLE), of one
                               * element (IN, OUT, INOUT; 1 for bytes and
                               * void *), 0 where it has none */
    const char *count;        /* the element count as annotated ("n", "1"), or NULL */
};

struct fr_function {
    const char *name;
    unsigned module;          /* index into fr_app.modules */
    unsigned flags;           /* FR_FN_* */
    fr_dispatch_fn dispatch;  /* callee-side dispatcher */
    fr_fnptr stub;            /* the caller stub: what a callback pointer becomes */
    fr_fnptr impl;            /* the implementation (same signature as stub) */
    const struct fr_param *params;  /* nparams of them, in order; NULL when none */
    unsigned nparams;
};

/* One module-to-module edge: `from` may call a function of `to`. */
struct fr_edge {
    unsigned from, to;
};

/*
 * The errno a stub with FR_ON_FAILURE(value, @err) sets for a call that
 * failed with @rc (negative): a permanent failure, which belongs to the
 * call itself and fails the same way again, as its own errno (EINVAL: the
 * caller refused the call; ESTALE: a handle of a crashed incarnation;
 * EXDEV: a replay strayed; EMSGSIZE, ENOSYS, ENOTCONN); a transient one
 * (the callee's FMP gone, stopped or busy now) as @err.  fr_err_transient
 * (fracture.h) tells the two apart.  A hook's failure (hook.h) goes the
 * same way: its code is @rc.
 */
static inline int fr_failure_errno(int rc, int err)
{
    switch (-rc) {
    case EINVAL: case ESTALE: case EXDEV: case EMSGSIZE: case ENOSYS: case ENOTCONN:
        return -rc;
    default:
        return err;
    }
}

/* The module table linked into the binary.  Module 0 is always "main".
 *
 * Functions come either as one array (@functions, as hand-written stubs
 * build it) or as an array of pointers (@function_list, as fracture-annotate
 * generates it: each function's entry is defined in the file that defines
 * the function, where its static functions and exact types are in scope).
 * Exactly one of the two is non-NULL; either has @nfunctions entries, and
 * a function's index is its position there. */
struct fr_app {
    unsigned abi_version;     /* FR_ABI_VERSION */
    const char *name;
    const struct fr_module *modules;
    unsigned nmodules;
    const struct fr_function *functions;
    unsigned nfunctions;
    const struct fr_edge *edges; /* NULL: any module may call any other */
    unsigned nedges;
    const struct fr_function *const *function_list;
};

/*
 * fr_main - the program's entry point once fractured.  Generated code renames
 * the user's main() and calls this from the real one.
 *
 * With no FRACTURE_CONFIG in the environment it calls real_main directly:
 * one process, no shared memory, no thread.  With one it validates the
 * config against @app, starts the child FMPs and runs real_main in the root.
 * In a child FMP (started by the root) it serves calls and never returns.
 */
FR_API int fr_main(const struct fr_app *app, int argc, char **argv,
                   int (*real_main)(int, char **));

/* Per module: nonzero when a call to it takes the marshalling path: 1, the
 * module runs in another FMP; 2, it runs here, but the deployment traces
 * (`trace:`) and counts the call as a split one would carry it; 3, it runs
 * here and a hook (hook.h) watches its calls.
 * Zero-filled, so an unconfigured program calls every implementation
 * directly. */
FR_API extern unsigned char fr__remote[FR_MAX_MODULES];
#define FR_LOCAL(mod) FR_LIKELY(!fr__remote[(mod)])

/* ---- caller side ------------------------------------------------------- */

#define FR_CALL_INLINE_FIELDS 16

struct fr__field {            /* private */
    const void *ptr;
    uint64_t len;
    uint32_t kind;
    int32_t fd;
};

/* One cross-FMP call on the caller's stack.  Fields are private. */
struct fr_call {
    unsigned fn;
    int err;                  /* first error, sticky */
    unsigned nfields, cap;
    struct fr__field *fields;
    struct fr__field inline_fields[FR_CALL_INLINE_FIELDS];
    const unsigned char *rp, *rend;  /* reply being decoded */
    void *lt;                 /* the logical thread */
    int peer;                 /* callee's FMP */
    int nfds_in, nfds_out;
    unsigned nhandles;        /* FR_W_HANDLE fields: checked before a send (handle.h) */
    uint32_t rseq;            /* seq of the reply, tags its descriptors */
    const char *why;          /* what the caller refused (fr_call_refuse) */
    void *alias;              /* buffers that overlap and travel as one (call.c) */
    int eno;                  /* the caller's errno at fr_call_begin: the callee's function
                               * starts with it */
    int eno_back;             /* the callee's errno right after its function: the caller's
                               * after fr_call_end */
    int hook_failed;          /* c->err is a hook's (hook.h) */
    void *alike;              /* a replica's tidy copies of its records (request.c) */
};

/*
 * FR_BYTES(n, size, &bytes) - the bytes of @n elements of @size bytes, @n a
 * count written in an annotation (any integer type, evaluated once): 0 and
 * *bytes = n * size, or nonzero when that does not fit a size_t.  A count
 * below zero is no elements (*bytes = 0): the callee gets a pointer to
 * nothing, as a function that checks its count before reading expects.
 * Stubs and dispatchers compute every size through it, so no count can
 * wrap into a small buffer.
 */
#define FR_BYTES(n, size, bytes)                                               \
    _Generic(+(n), int: fr__bytes_s, long: fr__bytes_s, long long: fr__bytes_s, \
             float: fr__bytes_s, double: fr__bytes_s, long double: fr__bytes_s, \
             default: fr__bytes_u)((n), (size), (bytes))

static inline int fr__bytes_u(uintmax_t n, size_t size, size_t *bytes)
{
    *bytes = 0;
    if (size != 0 && n > SIZE_MAX / size)
        return -1;
    *bytes = (size_t)n * size;
    return 0;
}

static inline int fr__bytes_s(intmax_t n, size_t size, size_t *bytes)
{
    *bytes = 0;
    return n < 0 ? 0 : fr__bytes_u((uintmax_t)n, size, bytes);
}

/* Whether two buffers of a call share a byte (both non-empty). */
static inline int fr_overlap(const void *a, size_t na, const void *b, size_t nb)
{
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

    return a && b && na && nb && x < y + nb && y < x + na;
}

/* Start a call of function @fn (index into fr_app.functions). */
FR_API void fr_call_begin(struct fr_call *c, unsigned fn);

/* Request fields, in parameter order.  Pointers must stay valid until
 * fr_call_invoke returns; nothing is copied before then. */
FR_API void fr_put_scalar(struct fr_call *c, const void *p, size_t n);
FR_API void fr_put_in(struct fr_call *c, const void *p, size_t n);    /* p may be NULL */
FR_API void fr_put_out(struct fr_call *c, const void *p, size_t n);   /* sends n only */
FR_API void fr_put_inout(struct fr_call *c, const void *p, size_t n);
FR_API void fr_put_string(struct fr_call *c, const char *s);          /* s may be NULL */
FR_API void fr_put_fd(struct fr_call *c, int fd);                     /* callee gets a dup */
FR_API void fr_put_callback(struct fr_call *c, fr_fnptr fn);          /* fn may be NULL */
/* FR_OPAQUE: a handle of @n bytes at @p, read at once (and tagged, when it
 * is this FMP's own pointer: handle.h).  It dies with the incarnation of
 * the FMP that minted it: a call that passes one after that FMP restarted
 * fails with -ESTALE (permanent), never reaching the new incarnation,
 * whichever FMP it came from. */
FR_API void fr_put_handle(struct fr_call *c, const void *p, size_t n);
/* An array of @n handles of @size bytes each at @v (FR_IN(n), FR_OUT(n) or
 * FR_INOUT(n) on a pointer to handles): the count, then, with @in (not
 * FR_OUT), each element as fr_put_handle sends it; a NULL array stays
 * NULL, a NULL element NULL. */
FR_API void fr_put_handles(struct fr_call *c, const void *v, size_t n, size_t size, int in);

/*
 * Records in a replica's calls and replies.  Replicas are compared byte
 * for byte (their replies, and a follower's outward calls against the
 * leader's), but a struct's padding, the unused bits of its bit-fields'
 * units and a union's tail hold whatever its memory held, and its pointer
 * fields copied deep, callbacks and handles the replica's own addresses:
 * bytes the program never reads.  fr_tidy_fn (generated per struct,
 * __fr_tidy_*) copies @n structs from @src to @dst ANDed with the
 * struct's mask (__fr_mask_*, made by the annotator from the struct's
 * layout: a 1 for every bit of a field that means the same in every
 * replica), so that only what the program wrote is there.  fr_put_tidy
 * (after the fr_put_scalar / fr_put_in / fr_put_inout of a struct or an
 * array of @size-byte structs) and fr_ret_tidy (after the fr_ret_scalar /
 * fr_ret_buf of one, whose bytes were at @src) make that copy the field's
 * bytes as the group compares them, with each handle's number written over
 * its field (handle.h).  A struct whose mask is all ones has no helper
 * and gets no call (it holds no handle).  Outside a replica they do
 * nothing.
 */
typedef void (*fr_tidy_fn)(void *dst, const void *src, size_t n);
FR_API void fr_put_tidy(struct fr_call *c, fr_tidy_fn fn, size_t size);

/* The caller refuses its own call (a size that overflows, arguments that
 * alias): nothing is sent, fr_call_end returns -EINVAL, and without
 * FR_ON_FAILURE fr_call_abort says @why (a string that outlives the call)
 * without blaming the callee. */
FR_API void fr_call_refuse(struct fr_call *c, const char *why);

/* An array of @n strings (FR_IN(n) on a char ** / const char *const *), or
 * with fr_put_strv the strings up to a NULL element (FR_STRING on one):
 * each string is copied, a NULL element stays NULL, a NULL array stays
 * NULL. */
FR_API void fr_put_strings(struct fr_call *c, const char *const *v, size_t n);
FR_API void fr_put_strv(struct fr_call *c, const char *const *v);

/* Send the request and wait for the reply, serving nested calls that the
 * callee makes back into this FMP meanwhile.  Returns 0 or a negative errno
 * (-EMSGSIZE past max_payload_mb, -EPIPE when the callee's FMP is gone,
 * -EPROTO for a malformed reply, which also ends the callee). */
FR_API int fr_call_invoke(struct fr_call *c);

/* Reply fields, in wire order.  Each checks kind and exact length against
 * what the caller declares here; a mismatch fails the call (-EPROTO). */
FR_API void fr_get_scalar(struct fr_call *c, void *dst, size_t n);
FR_API void fr_get_buf(struct fr_call *c, void *dst, size_t n);      /* OUT / INOUT */
/* FR_RET_OPAQUE, or a handle field of a struct that came back: one of this
 * FMP's own that a dead incarnation of it minted fails the call (-ESTALE);
 * where the call fails (that way, or before), *dst is NULL. */
FR_API void fr_get_handle(struct fr_call *c, void *dst, size_t n);
/* The @n handles (@size bytes each) an FR_OUT(n) / FR_INOUT(n) array of
 * handles came back with, into @dst: every element, as fr_get_handle takes
 * one; where the call fails, @dst is left as it was. */
FR_API void fr_get_handles(struct fr_call *c, void *dst, size_t n, size_t size);
/* A returned string, at most @max bytes with its NUL; *dst is malloc()ed,
 * owned by the caller (free() it), or NULL for a NULL string. */
FR_API void fr_get_string(struct fr_call *c, char **dst, size_t max);
/* FR_STRING with FR_INOUT(cap): the string the callee left in the buffer,
 * NUL-terminated within @cap bytes, copied into @dst. */
FR_API void fr_get_strbuf(struct fr_call *c, char *dst, size_t cap);
/* A returned descriptor: *fd is a new descriptor owned by the caller. */
FR_API void fr_get_fd(struct fr_call *c, int *fd);

/* A returned pointer the caller does not own (FR_RET_STRING or FR_RET(n)
 * without FR_RET_OWNED): @p (@n bytes, malloc()ed) is kept for the life of
 * the process, one copy per distinct content of function @fn.  Returns the
 * kept copy: @p, or an equal earlier one (and @p is freed). */
FR_API void *fr_keep(unsigned fn, void *p, size_t n);

/* Finish the call: releases what it holds; returns 0 or the call's error.
 * Its last act sets errno to the callee's after its function (the
 * caller's at fr_call_begin when the function did not run), as the plain
 * call would have left it; a failure's FR_ON_FAILURE sets its own after. */
FR_API int fr_call_end(struct fr_call *c);

/* After fr_call_end failed and the function has no FR_ON_FAILURE: end the
 * program with a message naming the module, the function, the FMP and the
 * cause. */
FR_API FR_NORETURN void fr_call_abort(struct fr_call *c);

/* ---- callee side ------------------------------------------------------- */

/* Request fields, in parameter order.  Memory returned lives in the call's
 * arena (a talloc context) and is freed after the reply is sent. */
FR_API int fr_arg_scalar(struct fr_callee *cc, void *dst, size_t n);
FR_API int fr_arg_in(struct fr_callee *cc, void **p, size_t *n);     /* IN / INOUT; NULL stays NULL */
FR_API int fr_arg_out(struct fr_callee *cc, void **p, size_t *n);    /* zeroed buffer of the caller's size */
FR_API int fr_arg_string(struct fr_callee *cc, char **s);
/* FR_STRING with FR_INOUT(cap): after every fr_arg_*, *s (from
 * fr_arg_string) becomes a zeroed buffer of @cap bytes holding the string. */
FR_API int fr_arg_strbuf(struct fr_callee *cc, char **s, size_t cap);
FR_API int fr_arg_fd(struct fr_callee *cc, int *fd);                 /* closed after the call */
/* FR_FD_KEEP: the duplicate is the callee's, for as long as it keeps it
 * open; it is never closed for it. */
FR_API int fr_arg_fd_keep(struct fr_callee *cc, int *fd);
/* fr_put_strings / fr_put_strv: *v (arena) holds *n strings and a NULL
 * after them; NULL for a NULL array. */
FR_API int fr_arg_strings(struct fr_callee *cc, char ***v, size_t *n);
FR_API int fr_arg_callback(struct fr_callee *cc, fr_fnptr *fn);      /* a pointer callable here */
/* FR_OPAQUE: -ESTALE for a handle another incarnation of this FMP (or a
 * sibling sampled instance) minted: the dispatcher returns it before the
 * function runs. */
FR_API int fr_arg_handle(struct fr_callee *cc, void *dst, size_t n);
/* fr_put_handles: *v (arena) holds *n elements of @size bytes, the
 * caller's handles (@in) or NULLs (FR_OUT), each checked as fr_arg_handle
 * does; NULL for a NULL array. */
FR_API int fr_arg_handles(struct fr_callee *cc, void **v, size_t *n, size_t size, int in);

/* errno across the call, as in the plain program: the dispatcher calls
 * fr_errno_enter right before the function (errno becomes the caller's at
 * the call) and fr_errno_leave(cc, errno) right after it (the value the
 * reply carries back).  A dispatcher that calls neither hands the caller
 * back its own errno. */
FR_API void fr_errno_enter(struct fr_callee *cc);
FR_API void fr_errno_leave(struct fr_callee *cc, int err);

/* Reply fields, in wire order. */
FR_API int fr_ret_scalar(struct fr_callee *cc, const void *p, size_t n);
FR_API int fr_ret_buf(struct fr_callee *cc, const void *p, size_t n);
FR_API int fr_ret_handle(struct fr_callee *cc, const void *p, size_t n);   /* FR_RET_OPAQUE */
/* The @n handles (@size bytes each) of an FR_OUT / FR_INOUT array at @v. */
FR_API int fr_ret_handles(struct fr_callee *cc, const void *v, size_t n, size_t size);
FR_API int fr_ret_tidy(struct fr_callee *cc, fr_tidy_fn fn, const void *src,
                       size_t size);   /* see fr_put_tidy */
FR_API int fr_ret_string(struct fr_callee *cc, const char *s);
/* The string in a buffer of @cap bytes (FR_STRING with FR_INOUT(cap)). */
FR_API int fr_ret_strbuf(struct fr_callee *cc, const char *s, size_t cap);
/* @fd passes to the caller: it is closed here once the reply is sent. */
FR_API int fr_ret_fd(struct fr_callee *cc, int fd);

/* @p (from malloc, may be NULL) is freed with free() once the reply is sent:
 * for FR_RET_OWNED results and other memory a reply field points into.
 * If this fails, @p is freed at once and the call must fail. */
FR_API int fr_ret_owned(struct fr_callee *cc, void *p);

/* The call's talloc arena (freed after the reply). */
FR_API void *fr_callee_arena(struct fr_callee *cc);

#ifdef __cplusplus
}
#endif
#endif /* FRACTURE_ABI_H */
