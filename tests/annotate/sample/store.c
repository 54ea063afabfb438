/*
 * store.c - module "store" (restartable): a small key/value store per
 * handle.  Its description upper-cases the last label through module
 * "text", a call between two modules neither of which is main.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "text.h"

FRACTURE_MODULE(store, FR_RESTARTABLE);

#define STORE_MAX 32

struct store {
    char name[32];
    char last_label[32];
    size_t n;
    char keys[STORE_MAX][16];
    int values[STORE_MAX];
};

struct cursor {
    const struct store *s;
    size_t next;
};

struct store *store_open(const char *name)
{
    struct store *s = calloc(1, sizeof *s);
    if (s)
        snprintf(s->name, sizeof s->name, "%s", name);
    return s;
}

void store_close(struct store *s)
{
    free(s);
}

int store_put_batch(struct store *s, const struct batch *b)
{
    int added = 0;

    if (b->owner != s)
        return -1;
    for (size_t i = 0; i < b->n && s->n < STORE_MAX; i++, added++) {
        snprintf(s->keys[s->n], sizeof s->keys[0], "%s", b->entries[i].key);
        s->values[s->n++] = b->entries[i].value;
    }
    snprintf(s->last_label, sizeof s->last_label, "%s", b->label);
    return added;
}

int store_get(struct store *s, const char *key, int *value)
{
    for (size_t i = s->n; i-- > 0;)
        if (strcmp(s->keys[i], key) == 0) {
            *value = s->values[i];
            return 0;
        }
    return -1;
}

char *store_name(struct store *s)
{
    return s->name;
}

char *store_describe(struct store *s)
{
    char *label = text_upper(s->last_label), *d;
    long total = 0;

    for (size_t i = 0; i < s->n; i++)
        total += s->values[i];
    d = malloc(128);
    if (d)
        snprintf(d, 128, "%s: %zu keys, total %ld, last batch %s", s->name, s->n, total,
                 label ? label : "?");
    free(label);
    return d;
}

void *store_cursor(struct store *s)
{
    struct cursor *c = malloc(sizeof *c);
    if (c) {
        c->s = s;
        c->next = 0;
    }
    return c;
}

int store_cursor_next(void *cursor, int *value)
{
    struct cursor *c = cursor;
    if (c->next >= c->s->n)
        return 0;
    *value = c->s->values[c->next++];
    return 1;
}

void store_cursor_free(void *cursor)
{
    free(cursor);
}
