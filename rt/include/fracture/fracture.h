/*
 * fracture.h - the annotations a program carries so that fracture-annotate
 * can split it into modules (DESIGN.md, "Annotations").
 *
 * For every compiler but the annotator these expand to nothing: an
 * annotated program builds and runs unchanged with plain `cc`.  The
 * annotator parses with __FRACTURE_ANNOTATE__ defined, where each becomes
 * __attribute__((annotate("fracture:..."))) that it reads back from the AST.
 * Annotations go first in the declaration they qualify; they may stand on a
 * prototype or on the definition, and the two must agree.
 *
 *   FRACTURE_MODULE(parser, FR_RESTARTABLE | FR_SAMPLABLE);   // file scope
 *   int parse(FR_IN(len) const char *buf, size_t len, FR_OUT(1) struct ast *out);
 *
 * Code you do not own stays untouched: its annotations go in a spec file
 * of annotated prototypes (fracture-annotate --spec FILE.h) that also says
 * which files make which module:
 *
 *   FRACTURE_MODULE_FILES(json, FR_RESTARTABLE, "cJSON.c", "cJSON_Utils.c");
 *
 * Arrays of strings: FR_IN(n) on a char ** or const char *const * copies n
 * strings, each deep; FR_STRING on one copies the strings up to a NULL
 * element (argv, envp), and the callee's array ends with NULL too.  NULL
 * elements and a NULL array stay NULL.  They go in only: FR_OUT and
 * FR_INOUT of string arrays are refused.
 *
 * A count below zero is no elements: nothing is copied, and the callee
 * gets a pointer to nothing (NULL if the caller's was NULL).  Buffers of
 * one call that overlap in the caller travel as one region, so that the
 * callee sees them alias (f(&x, &x)).
 *
 * FR_FD lends a descriptor for one call (the callee's duplicate is closed
 * when it returns); FR_FD_KEEP gives the callee a duplicate to keep, which
 * it closes itself when it is done (a log file, a socket it writes later).
 */
#ifndef FRACTURE_FRACTURE_H
#define FRACTURE_FRACTURE_H

#include <fracture/abi.h>   /* FR_RESTARTABLE, FR_REPLICABLE, FR_SAMPLABLE */

#define FR__STR(x) #x
#define FR__XSTR(x) FR__STR(x)

#ifdef __FRACTURE_ANNOTATE__

#define FR__ANN(s) __attribute__((annotate("fracture:" s)))

/* A file-scope declaration the annotator finds by its name and annotation. */
#define FR__CAT2(a, b) a##b
#define FR__CAT(a, b) FR__CAT2(a, b)
#define FRACTURE_MODULE(name, caps)                                            \
    FR__ANN("module:" #name ":" #caps) static const int FR__CAT(__fr_module_decl_, __LINE__) \
        __attribute__((unused)) = 0
#define FR_MODULE(name, caps) FR__ANN("fn-module:" #name ":" #caps)
/* Every pointer to @type that crosses modules is a handle: one line for a
 * handle-based API instead of an FR_OPAQUE on each parameter. */
#define FRACTURE_OPAQUE(type)                                                  \
    FR__ANN("opaque-type") static type *const FR__CAT(__fr_opaque_decl_, __COUNTER__) \
        __attribute__((unused)) = 0
/* In a spec file (fracture-annotate --spec): the files listed, matched by
 * path suffix, belong to module `name` as if each said FRACTURE_MODULE.
 * __COUNTER__, not __LINE__: two specs may use the same line. */
#define FRACTURE_MODULE_FILES(name, caps, ...)                                 \
    FR__ANN("module-files:" #name ":" #caps ":" #__VA_ARGS__) static const int \
        FR__CAT(__fr_module_files_, __COUNTER__) __attribute__((unused)) = 0

#define FR_IN(n) FR__ANN("in:" #n)
#define FR_OUT(n) FR__ANN("out:" #n)
#define FR_INOUT(n) FR__ANN("inout:" #n)
#define FR_STRING FR__ANN("string")
#define FR_COUNT(n) FR__ANN("count:" #n)
#define FR_OPAQUE FR__ANN("opaque")
#define FR_CALLBACK FR__ANN("callback")
#define FR_FD FR__ANN("fd")
#define FR_FD_KEEP FR__ANN("fd-keep")
#define FR_RET_FD FR__ANN("ret-fd")
#define FR_RET(n) FR__ANN("ret:" #n)
#define FR_RET_STRING FR__ANN("ret-string")
#define FR_RET_OPAQUE FR__ANN("ret-opaque")
#define FR_RET_OWNED FR__ANN("ret-owned")
#define FR_INIT FR__ANN("init")
#define FR_ON_FAILURE(value, err) FR__ANN("on-failure:" #value ":" #err)

#else /* plain compilers: nothing at all */

#define FRACTURE_MODULE(name, caps) struct __fr_module_unused
#define FRACTURE_OPAQUE(type) struct __fr_module_unused
#define FR_MODULE(name, caps)
#define FRACTURE_MODULE_FILES(name, caps, ...) struct __fr_module_unused
#define FR_IN(n)
#define FR_OUT(n)
#define FR_INOUT(n)
#define FR_STRING
#define FR_COUNT(n)
#define FR_OPAQUE
#define FR_CALLBACK
#define FR_FD
#define FR_FD_KEEP
#define FR_RET_FD
#define FR_RET(n)
#define FR_RET_STRING
#define FR_RET_OPAQUE
#define FR_RET_OWNED
#define FR_INIT
#define FR_ON_FAILURE(value, err)

#endif /* __FRACTURE_ANNOTATE__ */

/* ---- errors of calls between modules ------------------------------------
 * A failed call comes back as a negative errno (fr_call_invoke,
 * fr_call_end) or, with FR_ON_FAILURE(value, E), as value with errno set
 * (fr_failure_errno, abi.h): a permanent failure as itself -- ESTALE (a
 * handle of an incarnation that crashed), EXDEV (a replay strayed from
 * what the call did before the crash), EINVAL (the caller refused its own
 * call), EMSGSIZE, ENOSYS, ENOTCONN -- and a transient one as E. */

#ifdef __cplusplus
extern "C" {
#endif

/* What @err (negative as Fracture functions return it, or positive as in
 * errno) means for a Fracture call, and what to do: a static string, never
 * NULL.  For a code the runtime gives no meaning, strerror's text; only
 * the text of a number no errno has ("unknown error N") lives in a
 * per-thread buffer, until the thread's next such call. */
FR_API const char *fr_strerror(int err);

/* 1 when @err (negative or positive) is transient: the callee's FMP was
 * gone, stopped, busy or out of memory at that moment, and the same call
 * made later may succeed.  0 for no error (0) and for a permanent one,
 * which belongs to the call itself and fails the same way again: ESTALE,
 * EXDEV, EINVAL, EMSGSIZE, ENOSYS, ENOTCONN.  Any other code is transient,
 * as the E an FR_ON_FAILURE declares stands for the FMP gone or busy now:
 * declare one that is not in that list (EIO, EAGAIN).  A call a hook failed
 * (fracture/hook.h) is classed by the code the hook gave, by these same
 * rules: a meta-application picks a permanent code to test the program's
 * permanent path, any other for its transient one. */
FR_API int fr_err_transient(int err);

#ifdef __cplusplus
}
#endif

#endif /* FRACTURE_FRACTURE_H */
