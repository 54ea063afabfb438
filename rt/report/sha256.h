/*
 * sha256.h - SHA-256 (FIPS 180-4) of a report's bytes: how a database
 * recognises a report it has already merged, whatever file or archive it
 * arrives in again.  None of the project's libraries exports a hash.
 */
#ifndef FR_SHA256_H
#define FR_SHA256_H

#include <stddef.h>

/* fr__sha256_hex - the hash of @len bytes at @data as 64 hex digits and a NUL in @out. */
void fr__sha256_hex(const void *data, size_t len, char out[65]);

#endif /* FR_SHA256_H */
