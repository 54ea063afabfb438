/*
 * store.h - the store module of the sample app: a key/value store behind
 * opaque handles, filled with batches of entries that are deep-copied.
 */
#ifndef SAMPLE_STORE_H
#define SAMPLE_STORE_H

#include <fracture.h>
#include <stddef.h>

struct store;   /* only the store module sees inside */

struct entry {
    FR_STRING char *key;
    int value;
};

/* A batch travels whole: its entries (each with its key), its label, and
 * the handle of the store it is meant for. */
struct batch {
    size_t n;
    FR_COUNT(n) struct entry *entries;
    FR_STRING char *label;
    FR_OPAQUE struct store *owner;
};

struct store *store_open(const char *name);
void store_close(struct store *s);
/* Adds every entry of b; how many, or -1 if b is meant for another store. */
int store_put_batch(struct store *s, const struct batch *b);
/* 0 and *value, or -1 if key is absent. */
int store_get(struct store *s, const char *key, int *value);
/* The store's name, owned by the store. */
FR_RET_STRING char *store_name(struct store *s);
/* "NAME: N keys, total T, last batch LABEL", malloc'ed. */
FR_RET_STRING FR_RET_OWNED char *store_describe(struct store *s);

/* A cursor over the keys in insertion order. */
FR_RET_OPAQUE void *store_cursor(struct store *s);
/* 1 and the next entry's value in *value, or 0 at the end. */
int store_cursor_next(FR_OPAQUE void *cursor, int *value);
void store_cursor_free(FR_OPAQUE void *cursor);

#endif
