/*
 * futex.h - the sleeping half of every wait in the runtime: shared
 * (non-private) futexes on words in the shared-memory regions, and a wait
 * on several words at once (futex_waitv) for a logical thread that may be
 * called from any of its FMP's peers.
 */
#ifndef FR_FUTEX_H
#define FR_FUTEX_H

#include <stdatomic.h>
#include <stdint.h>

/* Wake up to @n sleepers on @word. */
void fr__futex_wake(_Atomic uint32_t *word, int n);

/*
 * Sleep while each words[i] still holds vals[i], until one of them changes,
 * is woken, or @timeout_ns passes (negative: no timeout).  Returns 0 (woken
 * or a value differed), -ETIMEDOUT or -EINTR.  Spurious returns are allowed:
 * callers always re-check their condition.
 *
 * When the kernel (or Valgrind, which does not know futex_waitv) lacks
 * futex_waitv and n > 1, it sleeps on words[0] for at most 1 ms at a time:
 * words[0] should be the one most likely to change.
 */
int fr__futex_wait_any(_Atomic uint32_t *const *words, const uint32_t *vals,
                       unsigned n, int64_t timeout_ns);

/* Whether futex_waitv is in use (for the docs and the bench). */
int fr__futex_have_waitv(void);

/* Whether this process runs under Valgrind, which runs one thread at a
 * time, 20 to 50 times slower: a spin there holds the only running thread
 * and burns a core for nothing (channel.c, fr__rt.nospin). */
int fr__futex_under_valgrind(void);

#endif /* FR_FUTEX_H */
