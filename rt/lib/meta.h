/*
 * meta.h - the runtime's side of a thread's metadata set (the public half
 * is fracture/meta.h): what the channel carries in a message's header.
 */
#ifndef FR_META_H
#define FR_META_H

#include "region.h"   /* struct fr_meta_ent: how it sits in a message header */

/* Encode the thread's travelling items into @out (room for FR_META_MAX
 * entries); how many entries. */
unsigned fr__meta_export(struct fr_meta_ent *out);
/* The thread's travelling items: 0 when a message needs no metadata. */
unsigned fr__meta_count(void);
/* Adopt the @n entries that came with a message, by Causeway's rules. */
void fr__meta_adopt(const struct fr_meta_ent *in, unsigned n);

#endif /* FR_META_H */
