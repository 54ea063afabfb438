/*
 * yaml_walk.h - a schema-driven walk over a document libyaml has loaded,
 * and the error list that the walk and the checks after it fill.
 *
 * The config layer (DESIGN, Runtime) reads the deployment file in three
 * steps: this walker turns YAML nodes into C values, config.c and env.c
 * give it the tables of keys (what the file may hold), config_check.c
 * checks the result against the app and the machine.  Nothing here knows
 * a key of the deployment file: a mapping is walked by a struct fr_schema,
 * a table of fields, so that unknown keys ("did you mean"), duplicate keys,
 * missing keys, types and ranges are handled in one place.
 *
 * Every problem goes into one struct fr_errs with its position; the list is
 * sorted when it is handed to the diag, so errors come out in file order
 * whichever pass found them.  Nothing stops at the first problem: a user
 * fixing a file wants all of them in one run.  The input is untrusted:
 * lengths come from libyaml, user text is escaped before it reaches a
 * message (fr__show), aliases may not blow the walk up, and the number
 * of errors is capped.
 *
 * Included by the config layer only: the short names below (the table
 * macros, the node accessors) are for its tables and callbacks.
 */
#ifndef FR_YAML_WALK_H
#define FR_YAML_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <yaml.h>

#include "diag.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors ------------------------------------------------------------ */

struct fr_err {
    struct fr_pos pos;
    size_t seq;               /* keeps equal positions in the order found */
    char *msg, *hint;
};

struct fr_errs {
    void *ctx;                /* scratch, freed once the errors are out */
    const char *file;
    struct fr_err *v;
    size_t n;
    bool full;                /* the cap reached: the walk stops */
    bool oom;
};

/* fr__errs_init - an empty list for @file; every message, hint and scratch
 * string of the walk and the checks lives in @ctx, which the caller frees
 * once fr__errs_flush has copied the errors out. */
void fr__errs_init(struct fr_errs *e, void *ctx, const char *file);

/* fr__err - one error at @pos (line 0: none), @hint may be NULL.  Past
 * the cap, or once memory ran out, it is dropped (and said once). */
__attribute__((format(printf, 4, 5)))
void fr__err(struct fr_errs *e, struct fr_pos pos, const char *hint,
             const char *fmt, ...);

/* fr__errs_flush - hand the errors to @d in file order.  Returns 0, -EINVAL
 * when there was any, -ENOMEM when memory ran out on the way. */
int fr__errs_flush(struct fr_errs *e, struct fr_diag *d);

/* fr__show - user text fit for one line of a message: control bytes
 * escaped, long text cut at a UTF-8 boundary.  Lives in e->ctx. */
const char *fr__show(struct fr_errs *e, const char *s, size_t len);

/*
 * fr__errs_hint - the hint for a @word that is none of @names[0..n):
 * "did you mean 'x'?" when one is close, else @intro followed by the first
 * @most names (", and N more" after them).  Lives in e->ctx; NULL (and
 * e->oom set) when memory ran out, as it did when @intro is NULL.
 */
char *fr__errs_hint(struct fr_errs *e, const char *word,
                    const char *const *names, size_t n, size_t most,
                    const char *intro);

/* ---- the walk ---------------------------------------------------------- */

struct fr_walk {
    struct fr_errs e;
    yaml_document_t *doc;
    void *tree;               /* talloc parent of every value the walk makes */
    unsigned char *seen;      /* per node: walked already (an alias) */
    size_t nnodes, revisits;
    bool bomb;                /* aliases repeat too many nodes */
    bool deep;                /* nests too deep: the caller did not load it */
    void *user;               /* the caller's, for its callbacks */
};

/* fr__walk_start - ready @st to walk @st->doc (loaded, with a root): the
 * per-node bookkeeping that makes an alias cost what it expands to, in
 * st->e.ctx.  False (memory ran out, said in the list) when it cannot. */
bool fr__walk_start(struct fr_walk *st);

/* fr__walk_stopped - whether the walk must stop: too many errors, out of
 * memory, an alias bomb, or a document nested too deep. */
bool fr__walk_stopped(const struct fr_walk *st);

static inline void fr__walk_oom(struct fr_walk *st)
{
    st->e.oom = true;
}

/* fr__walk_node - node @idx of the document, or NULL once the walk has
 * stopped.  Every step of a walk goes through here. */
yaml_node_t *fr__walk_node(struct fr_walk *st, int idx);

static inline struct fr_pos mark_pos(yaml_mark_t m)
{
    struct fr_pos p = { (unsigned)m.line + 1, (unsigned)m.column + 1 };
    return p;
}

static inline struct fr_pos pos_of(const yaml_node_t *n)
{
    return mark_pos(n->start_mark);
}

static inline const char *stext(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static inline size_t slen(const yaml_node_t *n)
{
    return n->data.scalar.length;
}

static inline bool quoted(const yaml_node_t *n)
{
    return n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
}

static inline bool text_is(const char *s, size_t len, const char *word)
{
    return len == strlen(word) && memcmp(s, word, len) == 0;
}

static inline size_t seq_len(const yaml_node_t *n)
{
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static inline size_t map_len(const yaml_node_t *n)
{
    return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

/* fr__walk_is_null - YAML's null: an empty plain scalar, ~ or null. */
bool fr__walk_is_null(const yaml_node_t *n);

/* fr__walk_describe - "a list", "'text'", ...: the "found ..." of a type
 * error.  Static text or a string in st->e.ctx. */
const char *fr__walk_describe(struct fr_walk *st, const yaml_node_t *n);

/* fr__walk_expect - whether @n is of @type (an empty scalar is not a
 * scalar), else an error "expected @what"; @hint_null is its hint when the
 * value is empty, a likely slip (`restart:` meant as "the defaults"). */
bool fr__walk_expect(struct fr_walk *st, const yaml_node_t *n,
                     yaml_node_type_t type, const char *what,
                     const char *hint_null);

/* fr__walk_text - a non-empty string without NUL bytes (any scalar style)
 * in *s, *len, pointing into the document; false after an error. */
bool fr__walk_text(struct fr_walk *st, const yaml_node_t *n, const char *what,
                   const char **s, size_t *len);

/* fr__walk_str - as fr__walk_text, copied under st->tree; NULL after an
 * error. */
char *fr__walk_str(struct fr_walk *st, const yaml_node_t *n, const char *what);

/*
 * fr__walk_str_list - a list of strings (@what: the list, @item_what: an
 * item): *out and, when @pos_out is not NULL, *pos_out become new arrays
 * under st->tree (left alone for an empty list), *nout counts the items
 * kept.  An item @valid refuses (@valid reports why) is left out.
 */
void fr__walk_str_list(struct fr_walk *st, yaml_node_t *v, const char *what,
                       const char *item_what, const char *hint_null,
                       bool (*valid)(struct fr_walk *st, const yaml_node_t *it,
                                     const char *s, size_t len),
                       char ***out, struct fr_pos **pos_out, size_t *nout);

/* fr__walk_syntax_error - what libyaml's parser @p says is wrong with
 * @text, at its position. */
void fr__walk_syntax_error(struct fr_walk *st, const yaml_parser_t *p,
                           const char *text, size_t len);

/* ---- numbers ----------------------------------------------------------- */

/* fr__walk_num - the decimal integer in @n (for key @key), as a sign and a
 * magnitude; *big: too large for 64 bits.  False after an error. */
bool fr__walk_num(struct fr_walk *st, const char *key, const yaml_node_t *n,
                  bool *neg, uint64_t *mag, bool *big);

/* fr__walk_ll - an integer in [@min, @max]; false after an error. */
bool fr__walk_ll(struct fr_walk *st, const char *key, const yaml_node_t *n,
                 long long min, long long max, long long *out);

/* fr__walk_u64 - any unsigned 64-bit integer; false after an error. */
bool fr__walk_u64(struct fr_walk *st, const char *key, const yaml_node_t *n,
                  uint64_t *out);

/* fr__walk_bool - a YAML 1.1 boolean (true/yes/on, false/no/off, in any
 * case) as 1 or 0; false after an error. */
bool fr__walk_bool(struct fr_walk *st, const char *key, const yaml_node_t *n,
                   int *out);

/* ---- names ------------------------------------------------------------- */

/* fr__walk_ident - whether @s is a C identifier (with '-' when @dash). */
bool fr__walk_ident(const char *s, size_t len, bool dash);

struct fr_named {
    const char *name;
    size_t i;
};

/* fr__named_cmp - qsort order of struct fr_named: by name, then index. */
int fr__named_cmp(const void *a, const void *b);

/* fr__find_firsts - first[i] := the index of the first name equal to
 * names[i] (i itself for a first one or a NULL), in O(n log n): a config
 * may list many thousands of names.  Scratch in @ctx, freed.  0 or
 * -ENOMEM. */
int fr__find_firsts(void *ctx, const char *const *names, size_t n,
                    size_t *first);

/* ---- schema ------------------------------------------------------------ */

enum fr_kind { K_UINT, K_LONG, K_U64, K_BOOL, K_STR, K_ENUM, K_FN };

struct fr_field {
    const char *key;
    enum fr_kind kind;
    bool required;
    size_t off;               /* of the value in the walked object */
    long long min, max;       /* K_UINT, K_LONG */
    const char *what;         /* K_STR: "a file name" */
    const char *const *names; /* K_ENUM: value i is names[i] */
    size_t nnames;
    const char *hint_missing;
    size_t pos_off;           /* 1 + offset of a struct fr_pos that keeps where
                               * the value is written; 0: not kept */
    /* K_FN: gets the object plus off */
    void (*fn)(struct fr_walk *st, const yaml_node_t *k, yaml_node_t *v,
               void *obj);
};

struct fr_schema {
    const char *where;        /* "in defaults", for messages */
    const struct fr_field *fields;
    size_t n;                 /* at most 16 */
};

/* Offsets are checked against the member's type, so that a table entry
 * cannot write the wrong width. */
#define OFF(T, m, CT) _Generic(((T *)0)->m, CT: offsetof(T, m))
#define UINT(k, T, m, lo, hi) \
    .key = k, .kind = K_UINT, .off = OFF(T, m, unsigned), .min = lo, .max = hi
#define LONG(k, T, m, lo, hi) \
    .key = k, .kind = K_LONG, .off = OFF(T, m, long), .min = lo, .max = hi
#define U64(k, T, m) .key = k, .kind = K_U64, .off = OFF(T, m, uint64_t)
#define BOOL(k, T, m) .key = k, .kind = K_BOOL, .off = OFF(T, m, int)
#define STR(k, T, m, w) .key = k, .kind = K_STR, .off = OFF(T, m, char *), .what = w
#define ENUM(k, T, m, ET, nm) \
    .key = k, .kind = K_ENUM, .off = OFF(T, m, ET), .names = nm, \
    .nnames = ARRAY_SIZE(nm)
#define FN(k, f, o) .key = k, .kind = K_FN, .fn = f, .off = o
/* Keep the value's position in member m (the checks against the machine
 * name the line:col of the number they refuse). */
#define AT(T, m) .pos_off = OFF(T, m, struct fr_pos) + 1

/*
 * fr__walk_map - check that @map is a mapping (else "expected @what", with
 * @hint_null when it is empty), then apply each of its keys that @s knows
 * to @obj and report the others, duplicates, and required keys missing.
 * Returns false only when @map is not a mapping.
 */
bool fr__walk_map(struct fr_walk *st, yaml_node_t *map,
                  const struct fr_schema *s, void *obj, const char *what,
                  const char *hint_null);

#endif /* FR_YAML_WALK_H */
