/*
 * fracture/meta.h - per-thread metadata that travels with every call
 * (Causeway).
 *
 * An actor (a module, an agent) puts (key, value) pairs on its thread; the
 * set rides in the header of every cross-FMP request and reply, and the
 * thread that receives it adopts it: for a key it already holds with a
 * different value, the merge routine registered for that key decides the
 * value (without one the incoming value wins); every other key takes the
 * incoming set's value, and keys the incoming set lacks are dropped.  In
 * one FMP a call stays on its thread, so the set is simply there.
 *
 * At most FR_META_MAX (8) keys per thread.  Register merge routines in
 * every FMP (a constructor, or code every FMP runs) before the first call.
 */
#ifndef FRACTURE_META_H
#define FRACTURE_META_H

#include <stdint.h>

#include <fracture/abi.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef uint64_t (*fr_meta_merge_fn)(uint64_t key, uint64_t mine, uint64_t incoming);

/* Set @key to @value on this thread.  0, or -ENOSPC when 8 keys are set. */
FR_API int fr_meta_set(uint64_t key, uint64_t value);
/* 0 and *value, or -ENOENT. */
FR_API int fr_meta_get(uint64_t key, uint64_t *value);
/* 0, or -ENOENT. */
FR_API int fr_meta_del(uint64_t key);
/* Merge routine for @key, process-wide.  0, -ENOSPC past 32 keys. */
FR_API int fr_meta_register_merge(uint64_t key, fr_meta_merge_fn fn);

#ifdef __cplusplus
}
#endif
#endif /* FRACTURE_META_H */
