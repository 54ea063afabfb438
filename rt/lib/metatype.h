/*
 * metatype.h - the process-wide table of metadata types (fracture/meta.h's
 * fr_meta_type_register): what the thread's set (meta.c) asks of a type.
 */
#ifndef FR_METATYPE_H
#define FR_METATYPE_H

#include <fracture/meta.h>

/* The type of the key/value calls (fr_meta_set...), always registered. */
#define FR__META_KEY_TYPE 1u
/* The type the runtime's pins travel as (meta.h), never a user type's. */
#define FR__META_PIN_TYPE 2u

/* A registered type's description, copied into @out (its name left NULL:
 * the table owns it).  0, or -ENOENT. */
int fr__metatype_get(uint32_t type, struct fr_meta_type *out);

/* Merge @mine and @in of item (@type, @id) by the type's routine into
 * @out.  A type unknown here: the incoming value. */
void fr__metatype_merge(uint32_t type, uint64_t id, const struct fr_meta_value *mine,
                        const struct fr_meta_value *in, struct fr_meta_value *out);

/* The key/value calls' merge routines, per key. */
int fr__metatype_key_merge(uint64_t key, fr_meta_merge_fn fn);

/* A transfer-point callback (fr_meta_on_transfer). */
struct fr__meta_cb {
    unsigned points;
    fr_meta_transfer_fn fn;
    void *ctx;
};

/* Callbacks registered, process-wide: 0 and no item pays for them. */
extern _Atomic unsigned fr__meta_ncb;

/* Copy into @out (room for FR_META_CALLBACKS_MAX) the callbacks of @type
 * that run at @point; how many. */
unsigned fr__metatype_callbacks(uint32_t type, unsigned point, struct fr__meta_cb *out);

/* A travelling type (or a key's merge) is registered in this process: the
 * calls between its modules go the local marshalling path from now on
 * (state.h, fr__meta_local).  0 or -ENOMEM. */
int fr__meta_local_on(void);
/* Set by metaexec.c (above this file): told of each type registered, with
 * its mask, so that items inherited before it was follow the mask and a
 * type of FR_META_EXEC arms the fork handler; an error fails the
 * registration. */
extern int (*fr__metatype_registered)(uint32_t type, unsigned mask);

#endif /* FR_METATYPE_H */
