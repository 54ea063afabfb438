/*
 * log.h - how the runtime speaks: one line per problem on stderr, named
 * by the FMP that saw it, and the invariants of the call protocol, checked
 * where the state changes.  The bottom of the library: every file may use
 * it, it uses nothing of the runtime but the FMP's name.
 *
 * Two tiers of invariant checks:
 *   FR_ASSERT(cond)           always on; costs a predictable branch.  For
 *   FR_ASSERTF(cond, fmt...)  transitions of the protocol whose violation
 *                             would make a caller take a wrong reply: better
 *                             an abort that names the state than silence.
 *   FR_DEBUG_ASSERT(cond)     only in a debug build (FR_DEBUG: the ASan/UBSan
 *                             build of CI): checks that cost a loop or a
 *                             cache miss on the call path.
 * A failed check prints "fracture: internal error: FILE:LINE: FMP NAME:
 * assertion failed: COND (STATE)" and aborts; it is a bug of Fracture,
 * never of the program.
 */
#ifndef FR_LOG_H
#define FR_LOG_H

#include <stddef.h>

#include <fracture/abi.h>

/* Report a runtime problem on stderr: "fracture: <fmp>: msg". */
void fr__log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What a wait status says, as "was killed by signal 9 (SIGKILL)" or
 * "exited with status 3"; written into @buf, which it returns. */
const char *fr__describe_status(int status, char *buf, size_t len);
/* The status of an FMP whose threads are all gone while the kernel still
 * ends the process (deathwatch.h): no wait status yet. */
#define FR_STATUS_DYING (-1)

FR_NORETURN void fr__assert_fail(const char *file, int line, const char *what,
                                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define FR_ASSERT(cond)                                                        \
    do {                                                                       \
        if (__builtin_expect(!(cond), 0))                                      \
            fr__assert_fail(__FILE__, __LINE__, #cond, NULL);                  \
    } while (0)

/* The state the check is about, said with it: FR_ASSERTF(x == y, "slot
 * %u seq %u, want %u", slot, x, y). */
#define FR_ASSERTF(cond, ...)                                                  \
    do {                                                                       \
        if (__builtin_expect(!(cond), 0))                                      \
            fr__assert_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);           \
    } while (0)

#ifdef FR_DEBUG
#define FR_DEBUG_ASSERT(cond) FR_ASSERT(cond)
#else
/* compiled, type-checked and never run: what the check uses stays used */
#define FR_DEBUG_ASSERT(cond) ((void)(0 && (cond)))
#endif

#endif /* FR_LOG_H */
