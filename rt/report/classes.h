/*
 * classes.h - Valgrind errors from many deployments merged into bug
 * classes (one per signature, signature.h) and ranked as Cooperative Bug
 * Isolation ranks predicates: by how many deployments saw the class, then
 * by occurrences, then by leaked bytes (ties by signature, so the order
 * is the same on every run and from every database).
 *
 * The same set is filled from report files (fr__classes_add) or from a
 * database's ranking query (db.c), and printed by render_*.c.
 */
#ifndef FR_CLASSES_H
#define FR_CLASSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vgxml.h"

/* How many frames of a class's representative stack are kept. */
#define FR_CLASS_STACK 12

/* A sorted set of distinct strings. */
struct fr_strset {
    char **v;
    size_t n;
};

struct fr_class {
    char *signature;
    char *kind;
    char *what;               /* the first occurrence's text, normalised */
    struct fr_vg_frame *stack;    /* the first occurrence's stack, Fracture's frames out */
    size_t nstack;
    int64_t occurrences, bytes;
    int64_t first_seen, last_seen;    /* Unix seconds: the report files' mtimes */
    struct fr_strset deployments, modules, fmps;
};

/* A report cut short: named, with the errors it still gave. */
struct fr_truncated {
    char *deployment, *file;
    size_t nerrors;
};

struct fr_classes {
    struct fr_class *v;
    size_t n;
    struct fr_truncated *truncated;
    size_t ntruncated;
    struct fr_strset deployments;     /* every deployment that gave a report */
    size_t nreports;                  /* reports read (or, from a database, held) */
    bool from_db;                     /* filled from a database (--db) */
    size_t nmerged, nalready;         /* reports added now, and those given again
                                       * (--db: found in the database already) */
};

/* fr__classes_new - an empty set under @ctx (freed with it), or NULL. */
struct fr_classes *fr__classes_new(void *ctx);

/* fr__strset_add - add @s (copied under @owner) to @set unless there; 0 or -ENOMEM. */
int fr__strset_add(void *owner, struct fr_strset *set, const char *s);

/*
 * fr__classes_module - the module an error of @r belongs to: the FMP's one
 * module; "a|b" when the FMP holds several (the report does not say
 * which); "?" when the report does not say (not written through Fracture).
 * A talloc string under @ctx, or NULL.
 */
char *fr__classes_module(void *ctx, const struct fr_vg_report *r);

/*
 * fr__classes_add - merge every error of @r, a report of deployment
 * @deployment last written at @mtime (Unix seconds), into @c; a truncated
 * report is also listed.  0 or -ENOMEM (then @c may hold part of @r: the
 * caller gives up on the whole set).
 */
int fr__classes_add(struct fr_classes *c, const char *deployment, const struct fr_vg_report *r,
                    int64_t mtime);

/* fr__classes_find_or_add - the class of @signature, made empty if new
 * (kind, what and stack are the caller's to fill); NULL out of memory. */
struct fr_class *fr__classes_find_or_add(struct fr_classes *c, const char *signature);

/* fr__classes_rank - sort the classes: deployments, occurrences, bytes
 * (each most first), then signature; the truncated reports by name. */
void fr__classes_rank(struct fr_classes *c);

#endif /* FR_CLASSES_H */
