/*
 * meta.h - the runtime's side of a thread's metadata set (the public half
 * is fracture/meta.h): what the channel carries in a message's header.
 */
#ifndef FR_META_H
#define FR_META_H

#include "region.h"   /* struct fr_meta_ent: how it sits in a message header */

/* Copy the thread's set into @out (room for FR_META_MAX); how many. */
unsigned fr__meta_export(struct fr_meta_ent *out);
unsigned fr__meta_count(void);
/* Adopt @n entries that came with a message, by Causeway's rules. */
void fr__meta_adopt(const struct fr_meta_ent *in, unsigned n);

#endif /* FR_META_H */
