/*
 * request.h - building a call's request (request.c): the fr_put_* half of
 * fracture/abi.h, and the one way the runtime adds a field of its own.
 */
#ifndef FR_REQUEST_H
#define FR_REQUEST_H

#include <stdint.h>

#include <fracture/abi.h>

/* Append a field of wire kind @kind (wire.h) to @c's request: @len bytes at
 * @p, or descriptor @fd.  Out of memory makes the call fail (c->err). */
void fr__call_add(struct fr_call *c, uint32_t kind, const void *p, uint64_t len, int fd);

/* The request as a replica's group compares it: its encoding (malloc;
 * length in *len), with the tidy copies of its records (fr_put_tidy) in
 * their fields' place.  NULL: out of memory. */
unsigned char *fr__request_encode_alike(struct fr_call *c, uint64_t *len);

/* The request's own memory (its field array past the inline ones) back;
 * @c holds no field after. */
void fr__request_free(struct fr_call *c);

#endif /* FR_REQUEST_H */
