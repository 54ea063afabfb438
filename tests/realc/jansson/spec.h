/* spec.h - jansson (Debian's source package "jansson") annotated from
 * outside: src/ stays as the archive ships it.
 *
 * One module: every file of src/ works on the same json_t trees.  Every
 * json_t * that crosses is a handle (FRACTURE_OPAQUE).  What is left to
 * say: the buffer json_loadb reads, the text json_dumps returns (the
 * caller's), and that the hash seed must be set again in a restarted FMP.
 */
#include <fracture.h>

#include "jansson.h"

FRACTURE_MODULE_FILES(jansson, FR_RESTARTABLE, "dump.c", "error.c", "hashtable.c",
                      "hashtable_seed.c", "load.c", "memory.c", "pack_unpack.c", "strbuffer.c",
                      "strconv.c", "utf.c", "value.c", "version.c");

FRACTURE_OPAQUE(json_t);

json_t *json_loadb(FR_IN(buflen) const char *buffer, size_t buflen, size_t flags,
                   json_error_t *error);
/* Freed with free(): jansson's default allocator is malloc. */
FR_RET_STRING FR_RET_OWNED char *json_dumps(const json_t *json, size_t flags);
FR_RET_STRING const char *jansson_version_str(void);
/* The seed of every hashtable: a restarted FMP is seeded again before it
 * serves anything. */
FR_INIT void json_object_seed(size_t seed);

/* Object iterators are handles too (void *: the annotator cannot tell).
 * jansson.h's inline json_object_iter_set calls this one, so it crosses
 * from every file that includes the header, used or not. */
int json_object_iter_set_new(json_t *object, FR_OPAQUE void *iter, json_t *value);
/* A key of key_len bytes, not a string (it may hold a NUL): inferred as a
 * string it would be cut at the first NUL. */
int json_object_setn_new(json_t *object, FR_IN(key_len) const char *key, size_t key_len,
                         json_t *value);
int json_object_setn_new_nocheck(json_t *object, FR_IN(key_len) const char *key,
                                 size_t key_len, json_t *value);
