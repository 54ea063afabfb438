/*
 * config.c - the deployment config (DESIGN "Deployment config"): YAML text
 * to struct fr_config, then a check of that tree against the app's module
 * table.
 *
 * The YAML is loaded whole with libyaml's document API and walked by a
 * small schema-driven walker: every mapping the config may hold is a table
 * of keys, so that unknown keys ("did you mean"), duplicate keys, missing
 * keys, types and ranges are handled in one place.  A user fixing a config
 * wants every error of a file in one run, so nothing stops at the first
 * problem; errors are collected with their position and sorted, so they
 * come out in file order whichever pass found them.
 *
 * The input is untrusted: every length comes from libyaml, user text is
 * escaped before it reaches a message, aliases may not blow the walk up,
 * and the number of errors is capped.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <talloc.h>
#include <yaml.h>

/* LD_PRELOAD agents shipped in rt/preload, named in `preload:` without a
 * '/'.  Anything else must be a path. */
static const char *const shipped_agents[] = {
    "rx-alloc",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define CONFIG_MAX_BYTES (1u << 20)
#define FMP_NAME_MAX 63
#define MAX_CPUS 1024
/* Past this many errors the rest is noise (and a hostile file could make
 * millions); the user fixes these first. */
#define MAX_ERRORS 100
/* Nodes an alias may make the walk see again.  Aliases are handy for
 * repeated environments, but nested ones expand exponentially. */
#define MAX_REVISITS 10000
/* User text quoted in a message is cut after this many bytes. */
#define SHOW_MAX 60
/* Module names listed in an "unknown module" hint. */
#define HINT_MODULES 10

/* ---- errors ------------------------------------------------------------ */

struct err {
    struct fr_pos pos;
    size_t seq;               /* keeps equal positions in the order found */
    char *msg, *hint;
};

struct errs {
    void *ctx;                /* scratch, freed once the errors are out */
    const char *file;
    struct err *v;
    size_t n;
    bool full;                /* MAX_ERRORS reached: the walk stops */
    bool oom;
};

static void errs_init(struct errs *e, void *ctx, const char *file)
{
    memset(e, 0, sizeof(*e));
    e->ctx = ctx;
    e->file = file;
}

__attribute__((format(printf, 4, 5)))
static void add_err(struct errs *e, struct fr_pos pos, const char *hint,
                    const char *fmt, ...)
{
    struct err *v;
    va_list ap;

    if (e->full || e->oom)
        return;
    if (e->n == MAX_ERRORS) {
        e->full = true;
        return;
    }
    v = talloc_realloc(e->ctx, e->v, struct err, e->n + 1);
    if (!v) {
        e->oom = true;
        return;
    }
    e->v = v;
    v = &e->v[e->n];
    v->pos = pos;
    v->seq = e->n;
    va_start(ap, fmt);
    v->msg = talloc_vasprintf(e->ctx, fmt, ap);
    va_end(ap);
    v->hint = hint ? talloc_strdup(e->ctx, hint) : NULL;
    if (!v->msg || (hint && !v->hint)) {
        e->oom = true;
        return;
    }
    e->n++;
}

static int cmp_err(const void *a, const void *b)
{
    const struct err *x = a, *y = b;

    if (x->pos.line != y->pos.line)
        return x->pos.line < y->pos.line ? -1 : 1;
    if (x->pos.col != y->pos.col)
        return x->pos.col < y->pos.col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Hand the errors to @d in file order.  Returns 0, -EINVAL when there was
 * any, -ENOMEM when memory ran out on the way. */
static int errs_flush(struct errs *e, struct fr_diag *d)
{
    if (e->n)
        qsort(e->v, e->n, sizeof(*e->v), cmp_err);
    for (size_t i = 0; i < e->n; i++)
        fr__diag_add(d, e->file, e->v[i].pos.line, e->v[i].pos.col,
                     e->v[i].hint, "%s", e->v[i].msg);
    if (e->full)
        fr__diag_add(d, e->file, 0, 0, "fix these first",
                     "too many errors (more than %d); stopping here",
                     MAX_ERRORS);
    if (e->oom) {
        fr__diag_add(d, e->file, 0, 0, NULL, "out of memory");
        return -ENOMEM;
    }
    return e->n || e->full ? -EINVAL : 0;
}

/* User text, fit for one line of a message: control bytes escaped, long
 * text cut at a UTF-8 boundary.  Lives in the scratch context. */
static const char *show(struct errs *e, const char *s, size_t len)
{
    char *out = talloc_array(e->ctx, char, SHOW_MAX * 4 + 16);
    size_t o = 0;

    if (!out) {
        e->oom = true;
        return "?";
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (i >= SHOW_MAX && ((c & 0xc0) != 0x80 || i >= SHOW_MAX + 3)) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        if (c < 0x20 || c == 0x7f)
            o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

/* ---- the walk ---------------------------------------------------------- */

struct st {
    struct errs e;
    yaml_document_t *doc;
    struct fr_config *cfg;    /* talloc parent of the whole tree */
    unsigned char *seen;      /* per node: walked already (an alias) */
    size_t nnodes, revisits;
    bool bomb;                /* MAX_REVISITS reached */
    struct fr_pos *name_pos;  /* where the FMP being walked keeps its name */
};

static bool stopped(const struct st *st)
{
    return st->e.full || st->e.oom || st->bomb;
}

static void oom(struct st *st)
{
    st->e.oom = true;
}

static struct fr_pos pos_of(const yaml_node_t *n)
{
    struct fr_pos p = {
        .line = (unsigned)n->start_mark.line + 1,
        .col = (unsigned)n->start_mark.column + 1,
    };
    return p;
}

/* Every step of the walk goes through here, so that an alias costs what it
 * expands to. */
static yaml_node_t *node_at(struct st *st, int idx)
{
    yaml_node_t *n;
    size_t i;

    if (stopped(st))
        return NULL;
    n = yaml_document_get_node(st->doc, idx);
    if (!n)
        return NULL;
    i = (size_t)idx - 1;
    if (st->seen[i] && ++st->revisits > MAX_REVISITS) {
        add_err(&st->e, pos_of(n), "use fewer or less nested aliases",
                "aliases expand this config too much (more than %d nodes "
                "repeated)", MAX_REVISITS);
        st->bomb = true;
        return NULL;
    }
    st->seen[i] = 1;
    return n;
}

static const char *stext(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static size_t slen(const yaml_node_t *n)
{
    return n->data.scalar.length;
}

static bool quoted(const yaml_node_t *n)
{
    return n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
}

static bool text_is(const char *s, size_t len, const char *word)
{
    return len == strlen(word) && memcmp(s, word, len) == 0;
}

/* YAML's null: an empty plain scalar, ~ or null. */
static bool is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || quoted(n))
        return false;
    return slen(n) == 0 || text_is(stext(n), slen(n), "~") ||
           text_is(stext(n), slen(n), "null") ||
           text_is(stext(n), slen(n), "Null") ||
           text_is(stext(n), slen(n), "NULL");
}

static size_t seq_len(const yaml_node_t *n)
{
    return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static size_t map_len(const yaml_node_t *n)
{
    return (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
}

/* "found ..." in a type error. */
static const char *describe(struct st *st, const yaml_node_t *n)
{
    const char *s;

    switch (n->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_SCALAR_NODE:
        if (is_null(n))
            return "nothing";
        s = talloc_asprintf(st->e.ctx, quoted(n) ? "the string '%s'" : "'%s'",
                            show(&st->e, stext(n), slen(n)));
        if (!s)
            oom(st);
        return s ? s : "?";
    default:
        return "nothing";
    }
}

/* Type check of a value; @hint_null is given when an empty value is a
 * likely slip (`restart:` meant as "restart with the defaults"). */
static bool expect(struct st *st, const yaml_node_t *n, yaml_node_type_t type,
                   const char *what, const char *hint_null)
{
    if (n->type == type && !(type == YAML_SCALAR_NODE && is_null(n)))
        return true;
    add_err(&st->e, pos_of(n), is_null(n) ? hint_null : NULL,
            "expected %s, found %s", what, describe(st, n));
    return false;
}

/* A non-empty string without NUL bytes (any scalar style); points into the
 * document. */
static bool get_text(struct st *st, const yaml_node_t *n, const char *what,
                     const char **s, size_t *len)
{
    if (!expect(st, n, YAML_SCALAR_NODE, what, NULL))
        return false;
    if (slen(n) == 0) {
        add_err(&st->e, pos_of(n), NULL, "expected %s, found an empty string",
                what);
        return false;
    }
    if (memchr(stext(n), '\0', slen(n))) {
        add_err(&st->e, pos_of(n), NULL, "expected %s without NUL bytes, "
                "found '%s'", what, show(&st->e, stext(n), slen(n)));
        return false;
    }
    *s = stext(n);
    *len = slen(n);
    return true;
}

static char *get_str(struct st *st, const yaml_node_t *n, const char *what)
{
    const char *s;
    size_t len;
    char *out;

    if (!get_text(st, n, what, &s, &len))
        return NULL;
    out = talloc_strndup(st->cfg, s, len);
    if (!out)
        oom(st);
    return out;
}

/* ---- numbers ----------------------------------------------------------- */

enum num { NUM_OK, NUM_BAD, NUM_BIG };

/* Decimal only: 0x10, 0o17, 010 (octal to YAML 1.1), 1_000 and 1e3 are
 * numbers that a reader could take for other ones, so none is accepted. */
static enum num parse_dec(const char *s, size_t len, bool *neg, uint64_t *mag)
{
    bool big = false;
    uint64_t m = 0;
    size_t i = 0;

    *neg = false;
    if (i < len && (s[i] == '-' || s[i] == '+'))
        *neg = s[i++] == '-';
    if (i == len || (s[i] == '0' && i + 1 < len))
        return NUM_BAD;
    for (; i < len; i++) {
        unsigned dig;

        if (s[i] < '0' || s[i] > '9')
            return NUM_BAD;
        dig = (unsigned)(s[i] - '0');
        if (m > (UINT64_MAX - dig) / 10)
            big = true;
        else
            m = m * 10 + dig;
    }
    *mag = m;
    return big ? NUM_BIG : NUM_OK;
}

static const char *num_hint(const char *s, size_t len)
{
    size_t i = len && (s[0] == '-' || s[0] == '+');

    if (len - i >= 2 && s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9')
        return "write it without leading zeros (YAML 1.1 reads them as octal)";
    if (len - i >= 2 && s[i] == '0' && strchr("xXoObB", s[i + 1]))
        return "write it in decimal";
    if (memchr(s, '.', len) || memchr(s, 'e', len) || memchr(s, 'E', len))
        return "only whole numbers are accepted here";
    return NULL;
}

/* The integer in @n, or false with an error.  *big: too large for 64 bits. */
static bool get_num(struct st *st, const char *key, const yaml_node_t *n,
                    bool *neg, uint64_t *mag, bool *big)
{
    const char *s = stext(n);
    enum num r;

    if (n->type != YAML_SCALAR_NODE || is_null(n)) {
        add_err(&st->e, pos_of(n), NULL, "expected an integer for '%s', "
                "found %s", key, describe(st, n));
        return false;
    }
    if (quoted(n)) {
        add_err(&st->e, pos_of(n), "remove the quotes", "expected an integer "
                "for '%s', found %s", key, describe(st, n));
        return false;
    }
    r = parse_dec(s, slen(n), neg, mag);
    if (r == NUM_BAD) {
        add_err(&st->e, pos_of(n), num_hint(s, slen(n)), "expected an integer "
                "for '%s', found %s", key, describe(st, n));
        return false;
    }
    *big = r == NUM_BIG;
    return true;
}

static bool get_ll(struct st *st, const char *key, const yaml_node_t *n,
                   long long min, long long max, long long *out)
{
    bool neg, big;
    uint64_t mag;
    long long v;

    if (!get_num(st, key, n, &neg, &mag, &big))
        return false;
    if (big || mag > (uint64_t)LLONG_MAX)
        goto out_range;
    v = neg ? -(long long)mag : (long long)mag;
    if (v < min || v > max)
        goto out_range;
    *out = v;
    return true;
out_range:
    add_err(&st->e, pos_of(n), NULL, "'%s' must be between %lld and %lld, "
            "found %s", key, min, max, show(&st->e, stext(n), slen(n)));
    return false;
}

static bool get_u64(struct st *st, const char *key, const yaml_node_t *n,
                    uint64_t *out)
{
    bool neg, big;
    uint64_t mag;

    if (!get_num(st, key, n, &neg, &mag, &big))
        return false;
    if (big || (neg && mag)) {
        add_err(&st->e, pos_of(n), NULL, "'%s' must be between 0 and %llu, "
                "found %s", key, (unsigned long long)UINT64_MAX,
                show(&st->e, stext(n), slen(n)));
        return false;
    }
    *out = mag;
    return true;
}

/* YAML 1.1 booleans, as a user of other YAML tools would write them. */
static bool get_bool(struct st *st, const char *key, const yaml_node_t *n,
                     int *out)
{
    static const char *const yes[] = { "true", "yes", "on" };
    static const char *const no[] = { "false", "no", "off" };

    if (n->type == YAML_SCALAR_NODE && !quoted(n)) {
        for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
            if (slen(n) == strlen(yes[i]) && !strncasecmp(stext(n), yes[i], slen(n))) {
                *out = 1;
                return true;
            }
            if (slen(n) == strlen(no[i]) && !strncasecmp(stext(n), no[i], slen(n))) {
                *out = 0;
                return true;
            }
        }
    }
    add_err(&st->e, pos_of(n), n->type == YAML_SCALAR_NODE && quoted(n) ?
            "remove the quotes" : NULL, "expected true or false for '%s', "
            "found %s", key, describe(st, n));
    return false;
}

/* ---- names ------------------------------------------------------------- */

static bool ident(const char *s, size_t len, bool dash)
{
    if (!len || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') ||
                  (s[0] >= 'a' && s[0] <= 'z')))
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];

        if (!(c == '_' || (dash && c == '-') || (c >= '0' && c <= '9') ||
              (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            return false;
    }
    return true;
}

struct named {
    const char *name;
    size_t i;
};

static int cmp_named(const void *a, const void *b)
{
    const struct named *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

/* first[i] := the index of the first name equal to names[i] (i itself for
 * a first one or a NULL).  Sorting keeps this O(n log n): a config may
 * list many thousands of names. */
static int find_firsts(void *ctx, const char *const *names, size_t n,
                       size_t *first)
{
    struct named *v = talloc_array(ctx, struct named, n ? n : 1);
    size_t m = 0;

    if (!v)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        first[i] = i;
        if (names[i])
            v[m++] = (struct named){ names[i], i };
    }
    qsort(v, m, sizeof(*v), cmp_named);
    for (size_t i = 1; i < m; i++)
        if (!strcmp(v[i].name, v[i - 1].name))
            first[v[i].i] = first[v[i - 1].i];
    talloc_free(v);
    return 0;
}

/* ---- schema ------------------------------------------------------------ */

enum kind { K_UINT, K_LONG, K_U64, K_BOOL, K_STR, K_ENUM, K_FN };

struct field {
    const char *key;
    enum kind kind;
    bool required;
    size_t off;               /* of the value in the walked object */
    long long min, max;       /* K_UINT, K_LONG */
    const char *what;         /* K_STR: "a file name" */
    const char *const *names; /* K_ENUM: value i is names[i] */
    size_t nnames;
    const char *hint_missing;
    /* K_FN: gets the object plus off */
    void (*fn)(struct st *st, const yaml_node_t *k, yaml_node_t *v, void *obj);
};

struct schema {
    const char *where;        /* "in defaults", for messages */
    const struct field *fields;
    size_t n;
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

_Static_assert(sizeof(enum fr_on_exhausted) == sizeof(int), "enum width");
_Static_assert(sizeof(enum fr_on_divergence) == sizeof(int), "enum width");

static bool walk_map(struct st *st, yaml_node_t *map, const struct schema *s,
                     void *obj, const char *what, const char *hint_null);

static void unknown_key(struct st *st, const yaml_node_t *k,
                        const struct schema *s)
{
    const char *names[16];
    const char *best;
    char *hint;
    size_t n = s->n < ARRAY_SIZE(names) ? s->n : ARRAY_SIZE(names);

    for (size_t i = 0; i < n; i++)
        names[i] = s->fields[i].key;
    best = fr__suggest(stext(k), names, n);
    if (best) {
        hint = talloc_asprintf(st->e.ctx, "did you mean '%s'?", best);
    } else {
        hint = talloc_asprintf(st->e.ctx, "valid keys %s: ", s->where);
        for (size_t i = 0; hint && i < n; i++)
            hint = talloc_asprintf_append(hint, "%s%s", i ? ", " : "", names[i]);
    }
    if (!hint)
        oom(st);
    add_err(&st->e, pos_of(k), hint, "unknown key '%s' %s",
            show(&st->e, stext(k), slen(k)), s->where);
}

static void apply(struct st *st, const struct field *f, const yaml_node_t *k,
                  yaml_node_t *v, void *obj)
{
    char *p = (char *)obj + f->off;
    long long ll;
    uint64_t u64;
    int b;
    char *s;

    switch (f->kind) {
    case K_UINT:
        if (get_ll(st, f->key, v, f->min, f->max, &ll)) {
            unsigned u = (unsigned)ll;
            memcpy(p, &u, sizeof(u));
        }
        break;
    case K_LONG:
        if (get_ll(st, f->key, v, f->min, f->max, &ll)) {
            long l = (long)ll;
            memcpy(p, &l, sizeof(l));
        }
        break;
    case K_U64:
        if (get_u64(st, f->key, v, &u64))
            memcpy(p, &u64, sizeof(u64));
        break;
    case K_BOOL:
        if (get_bool(st, f->key, v, &b))
            memcpy(p, &b, sizeof(b));
        break;
    case K_STR:
        s = get_str(st, v, f->what);
        if (s) {
            char *old;
            memcpy(&old, p, sizeof(old));
            talloc_free(old);          /* a default */
            memcpy(p, &s, sizeof(s));
        }
        break;
    case K_ENUM:
        if (!expect(st, v, YAML_SCALAR_NODE, "a value", NULL))
            break;
        for (size_t i = 0; i < f->nnames; i++) {
            if (text_is(stext(v), slen(v), f->names[i])) {
                int e = (int)i;
                memcpy(p, &e, sizeof(e));
                return;
            }
        }
        {
            const char *best = fr__suggest(stext(v), f->names, f->nnames);
            char *hint = best ?
                talloc_asprintf(st->e.ctx, "did you mean '%s'?", best) :
                talloc_asprintf(st->e.ctx, "expected one of: ");
            for (size_t i = 0; !best && hint && i < f->nnames; i++)
                hint = talloc_asprintf_append(hint, "%s%s", i ? ", " : "",
                                              f->names[i]);
            if (!hint)
                oom(st);
            add_err(&st->e, pos_of(v), hint, "unknown value '%s' for '%s'",
                    show(&st->e, stext(v), slen(v)), f->key);
        }
        break;
    case K_FN:
        f->fn(st, k, v, p);
        break;
    }
}

/* Check that @map is a mapping, then apply each of its keys that @s knows
 * (at most 16 of them) to @obj and report the others.  Returns false only
 * when @map is not a mapping. */
static bool walk_map(struct st *st, yaml_node_t *map, const struct schema *s,
                     void *obj, const char *what, const char *hint_null)
{
    struct fr_pos first[16];
    bool seen[16] = { false };

    if (!expect(st, map, YAML_MAPPING_NODE, what, hint_null))
        return false;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
         pr < map->data.mapping.pairs.top && !stopped(st); pr++) {
        yaml_node_t *k = node_at(st, pr->key);
        yaml_node_t *v = node_at(st, pr->value);
        const struct field *f = NULL;
        size_t i;

        if (!k || !v)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            add_err(&st->e, pos_of(k), NULL, "expected a key name %s, found %s",
                    s->where, describe(st, k));
            continue;
        }
        for (i = 0; i < s->n && i < ARRAY_SIZE(seen); i++) {
            if (text_is(stext(k), slen(k), s->fields[i].key)) {
                f = &s->fields[i];
                break;
            }
        }
        if (!f) {
            unknown_key(st, k, s);
            continue;
        }
        if (seen[i]) {
            add_err(&st->e, pos_of(k), NULL, "duplicate key '%s' %s (first at "
                    "%s:%u:%u)", f->key, s->where, st->e.file, first[i].line,
                    first[i].col);
            continue;
        }
        seen[i] = true;
        first[i] = pos_of(k);
        apply(st, f, k, v, obj);
    }
    for (size_t i = 0; i < s->n && i < ARRAY_SIZE(seen) && !stopped(st); i++)
        if (s->fields[i].required && !seen[i])
            add_err(&st->e, pos_of(map), s->fields[i].hint_missing,
                    "missing required key '%s' %s", s->fields[i].key, s->where);
    return true;
}

/* ---- environments ------------------------------------------------------ */

static void env_init(struct fr_env *env)
{
    memset(env, 0, sizeof(*env));
    env->limits.memory_mb = -1;
    env->limits.cpu_s = -1;
    env->limits.open_files = -1;
    env->limits.core = -1;
}

/* A list of strings, each checked by @valid (which reports). */
static void str_list(struct st *st, yaml_node_t *v, const char *what,
                     const char *item_what, const char *hint_null,
                     bool (*valid)(struct st *st, const yaml_node_t *it,
                                   const char *s, size_t len),
                     char ***out, struct fr_pos **pos_out, size_t *nout)
{
    size_t n;

    if (!expect(st, v, YAML_SEQUENCE_NODE, what, hint_null))
        return;
    n = seq_len(v);
    if (!n)
        return;
    *out = talloc_zero_array(st->cfg, char *, n);
    if (pos_out)
        *pos_out = talloc_zero_array(st->cfg, struct fr_pos, n);
    if (!*out || (pos_out && !*pos_out)) {
        oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !stopped(st); item++) {
        yaml_node_t *it = node_at(st, *item);
        const char *s;
        size_t len;

        if (!it || !get_text(st, it, item_what, &s, &len))
            continue;
        if (valid && !valid(st, it, s, len))
            continue;
        (*out)[*nout] = talloc_strndup(st->cfg, s, len);
        if (!(*out)[*nout]) {
            oom(st);
            return;
        }
        if (pos_out)
            (*pos_out)[*nout] = pos_of(it);
        (*nout)++;
    }
}

static void fn_valgrind_args(struct st *st, const yaml_node_t *k,
                             yaml_node_t *v, void *obj)
{
    struct fr_env *env = obj;

    (void)k;
    str_list(st, v, "a list of Valgrind arguments", "a Valgrind argument",
             "write `args: []` for none", NULL, &env->valgrind_args, NULL,
             &env->nvalgrind_args);
}

static const struct field valgrind_fields[] = {
    { STR("tool", struct fr_env, valgrind_tool, "a Valgrind tool name") },
    { FN("args", fn_valgrind_args, 0) },
};
static const struct schema valgrind_schema = {
    "in valgrind", valgrind_fields, ARRAY_SIZE(valgrind_fields)
};

static void fn_valgrind(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                        void *obj)
{
    struct fr_env *env = obj;

    env->has_valgrind = true;
    env->valgrind_pos = pos_of(k);
    env->valgrind_tool = talloc_strdup(st->cfg, "memcheck");
    if (!env->valgrind_tool) {
        oom(st);
        return;
    }
    walk_map(st, v, &valgrind_schema, env, "a mapping for 'valgrind'",
             "write `valgrind: {}` for the default tool (memcheck)");
}

static void fn_preload(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_env *env = obj;

    (void)k;
    str_list(st, v, "a list of preload agents or paths",
             "an agent name or a library path", "write `preload: []` for none",
             NULL, &env->preload, &env->preload_pos, &env->npreload);
}

static void fn_vars(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                    void *obj)
{
    struct fr_env *env = obj;
    struct fr_pos *kpos;
    size_t n, *first;

    (void)k;
    if (!expect(st, v, YAML_MAPPING_NODE, "a mapping of variable names to "
                "values", "write `vars: {}` for none"))
        return;
    n = map_len(v);
    if (!n)
        return;
    env->var_names = talloc_zero_array(st->cfg, char *, n);
    env->var_values = talloc_zero_array(st->cfg, char *, n);
    kpos = talloc_array(st->e.ctx, struct fr_pos, n);
    first = talloc_array(st->e.ctx, size_t, n);
    if (!env->var_names || !env->var_values || !kpos || !first) {
        oom(st);
        return;
    }
    for (yaml_node_pair_t *pr = v->data.mapping.pairs.start;
         pr < v->data.mapping.pairs.top && !stopped(st); pr++) {
        yaml_node_t *kn = node_at(st, pr->key);
        yaml_node_t *vn = node_at(st, pr->value);
        const char *name;
        size_t len;
        size_t i = env->nvars;

        if (!kn || !vn || !get_text(st, kn, "a variable name", &name, &len))
            continue;
        if (!ident(name, len, false)) {
            add_err(&st->e, pos_of(kn), "a name holds letters, digits and "
                    "'_', and does not start with a digit", "'%s' is not a "
                    "valid environment variable name", show(&st->e, name, len));
            continue;
        }
        if (vn->type != YAML_SCALAR_NODE) {
            add_err(&st->e, pos_of(vn), NULL, "expected a value for '%.*s' (a "
                    "string or a number), found %s", (int)len, name,
                    describe(st, vn));
            continue;
        }
        if (memchr(stext(vn), '\0', slen(vn))) {
            add_err(&st->e, pos_of(vn), NULL, "the value of '%.*s' holds a "
                    "NUL byte", (int)len, name);
            continue;
        }
        env->var_names[i] = talloc_strndup(st->cfg, name, len);
        env->var_values[i] = talloc_strndup(st->cfg, stext(vn), slen(vn));
        if (!env->var_names[i] || !env->var_values[i]) {
            oom(st);
            return;
        }
        kpos[i] = pos_of(kn);
        env->nvars++;
    }
    if (stopped(st) ||
        find_firsts(st->e.ctx, (const char *const *)env->var_names,
                    env->nvars, first)) {
        if (!stopped(st))
            oom(st);
        return;
    }
    for (size_t i = 0; i < env->nvars; i++)
        if (first[i] != i)
            add_err(&st->e, kpos[i], NULL, "duplicate variable '%s' (first at "
                    "%s:%u:%u)", env->var_names[i], st->e.file,
                    kpos[first[i]].line, kpos[first[i]].col);
}

static const struct field limits_fields[] = {
    { LONG("memory_mb", struct fr_limits, memory_mb, 1, 1048576) },
    { LONG("cpu_s", struct fr_limits, cpu_s, 1, 31536000) },
    { LONG("open_files", struct fr_limits, open_files, 16, 1048576) },
    { BOOL("core", struct fr_limits, core) },
};
static const struct schema limits_schema = {
    "in limits", limits_fields, ARRAY_SIZE(limits_fields)
};

static void fn_limits(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                      void *obj)
{
    (void)k;
    walk_map(st, v, &limits_schema, obj, "a mapping for 'limits'",
             "write `limits: {}` for none");
}

static void fn_nice(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                    void *obj)
{
    struct fr_env *env = obj;
    long long ll;

    (void)k;
    if (get_ll(st, "nice", v, -20, 19, &ll)) {
        env->has_nice = true;
        env->nice = (int)ll;
    }
}

static void fn_cpus(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                    void *obj)
{
    struct fr_env *env = obj;
    struct fr_pos *seen;
    size_t n;

    (void)k;
    if (!expect(st, v, YAML_SEQUENCE_NODE, "a list of CPU numbers",
                "write `cpus: []` for any CPU"))
        return;
    n = seq_len(v);
    if (!n)
        return;
    env->cpus = talloc_zero_array(st->cfg, int, n < MAX_CPUS ? n : MAX_CPUS);
    seen = talloc_zero_array(st->e.ctx, struct fr_pos, MAX_CPUS);
    if (!env->cpus || !seen) {
        oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !stopped(st); item++) {
        yaml_node_t *it = node_at(st, *item);
        long long cpu;

        if (!it || !get_ll(st, "cpus", it, 0, MAX_CPUS - 1, &cpu))
            continue;
        if (seen[cpu].line) {
            add_err(&st->e, pos_of(it), NULL, "CPU %lld is listed twice (first "
                    "at %s:%u:%u)", cpu, st->e.file, seen[cpu].line,
                    seen[cpu].col);
            continue;
        }
        seen[cpu] = pos_of(it);
        env->cpus[env->ncpus++] = (int)cpu;
    }
    talloc_free(seen);
}

static void fn_privileges(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                          void *obj)
{
    struct fr_env *env = obj;
    const char *t;
    size_t len;

    if (!get_text(st, v, "'keep' or 'drop'", &t, &len))
        return;
    env->privileges_pos = pos_of(k);
    if (len == 4 && memcmp(t, "keep", 4) == 0)
        env->privileges = FR_PRIV_KEEP;
    else if (len == 4 && memcmp(t, "drop", 4) == 0)
        env->privileges = FR_PRIV_DROP;
    else
        add_err(&st->e, pos_of(v), "'drop' (the default) takes every capability from a "
                "child of a root running as root; 'keep' leaves them",
                "privileges is 'keep' or 'drop', not '%s'", show(&st->e, t, len));
}

/* "strict", "none", or a profile file, which the check reads (sandbox.c). */
static void fn_sandbox(struct st *st, const yaml_node_t *k, yaml_node_t *v, void *obj)
{
    struct fr_env *env = obj;
    const char *t;
    size_t len;

    if (!get_text(st, v, "'strict', 'none' or a profile file", &t, &len))
        return;
    if (!len || memchr(t, '\0', len)) {
        add_err(&st->e, pos_of(v), "write `sandbox: strict`, or the path of a profile",
                "an empty sandbox");
        return;
    }
    env->sandbox_pos = pos_of(k);
    env->sandbox = talloc_strndup(st->cfg, t, len);
    if (!env->sandbox)
        oom(st);
}

static const struct field env_fields[] = {
    { FN("valgrind", fn_valgrind, 0) },
    { FN("preload", fn_preload, 0) },
    { FN("vars", fn_vars, 0) },
    { FN("limits", fn_limits, offsetof(struct fr_env, limits)) },
    { FN("nice", fn_nice, 0) },
    { FN("cpus", fn_cpus, 0) },
    { FN("privileges", fn_privileges, 0) },
    { FN("sandbox", fn_sandbox, 0) },
};
static const struct schema env_schema = {
    "in env", env_fields, ARRAY_SIZE(env_fields)
};

static void fn_env(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                   void *obj)
{
    struct fr_env *env = obj;

    env->present = true;
    env->pos = pos_of(k);
    walk_map(st, v, &env_schema, env, "a mapping for 'env'",
             "write `env: {}` for an environment that changes nothing");
}

static void env_list(struct st *st, yaml_node_t *v, struct fr_env **out,
                     size_t *nout)
{
    size_t n;

    if (!expect(st, v, YAML_SEQUENCE_NODE, "a list of environments",
                "write `environments: []` for none"))
        return;
    n = seq_len(v);
    if (!n)
        return;
    *out = talloc_zero_array(st->cfg, struct fr_env, n);
    if (!*out) {
        oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !stopped(st); item++) {
        yaml_node_t *it = node_at(st, *item);
        struct fr_env *env = &(*out)[*nout];

        if (!it)
            continue;
        env_init(env);
        env->present = true;
        env->pos = pos_of(it);
        if (walk_map(st, it, &env_schema, env, "an environment (a mapping)",
                     "write `{}` for an environment that changes nothing"))
            (*nout)++;
    }
}

/* ---- policies ---------------------------------------------------------- */

static const char *const exhausted_names[] = { "fail", "abort" };
static const char *const divergence_names[] = { "vote", "abort", "log" };

static void fn_restart_envs(struct st *st, const yaml_node_t *k,
                            yaml_node_t *v, void *obj)
{
    struct fr_restart *r = obj;

    (void)k;
    env_list(st, v, &r->environments, &r->nenvironments);
}

static const struct field restart_fields[] = {
    { UINT("max", struct fr_restart, max, 0, 1000000) },
    { UINT("window_s", struct fr_restart, window_s, 1, 86400) },
    { UINT("retries", struct fr_restart, retries, 0, 100) },
    { FN("environments", fn_restart_envs, 0) },
    { ENUM("on_exhausted", struct fr_restart, on_exhausted,
           enum fr_on_exhausted, exhausted_names) },
};
static const struct schema restart_schema = {
    "in restart", restart_fields, ARRAY_SIZE(restart_fields)
};

static void fn_restart(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_restart *r = obj;

    r->present = true;
    r->pos = pos_of(k);
    walk_map(st, v, &restart_schema, r, "a mapping for 'restart'",
             "write `restart: {}` for the defaults");
}

static void fn_replicate_envs(struct st *st, const yaml_node_t *k,
                              yaml_node_t *v, void *obj)
{
    struct fr_replicate *r = obj;

    (void)k;
    env_list(st, v, &r->environments, &r->nenvironments);
}

static const struct field replicate_fields[] = {
    { UINT("count", struct fr_replicate, count, 2, 16), .required = true,
      .hint_missing = "say how many replicas, e.g. `count: 3`" },
    { ENUM("on_divergence", struct fr_replicate, on_divergence,
           enum fr_on_divergence, divergence_names) },
    { FN("environments", fn_replicate_envs, 0) },
};
static const struct schema replicate_schema = {
    "in replicate", replicate_fields, ARRAY_SIZE(replicate_fields)
};

static void fn_replicate(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                         void *obj)
{
    struct fr_replicate *r = obj;

    r->present = true;
    r->pos = pos_of(k);
    if (!walk_map(st, v, &replicate_schema, r, "a mapping for 'replicate'",
                  "write `replicate: {count: 3}`"))
        return;
    if (r->count && r->nenvironments > r->count)
        add_err(&st->e, r->environments[r->count].pos,
                "give at most one environment per replica", "replicate has %u "
                "replicas but %zu environments", r->count, r->nenvironments);
}

static const struct field instance_fields[] = {
    { UINT("weight", struct fr_sample_instance, weight, 1, 1000000),
      .required = true, .hint_missing = "give it a share, e.g. `weight: 1`" },
    { FN("env", fn_env, offsetof(struct fr_sample_instance, env)) },
    { U64("recycle_after_calls", struct fr_sample_instance,
          recycle_after_calls) },
};
static const struct schema instance_schema = {
    "in this sample instance", instance_fields, ARRAY_SIZE(instance_fields)
};

static void fn_instances(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                         void *obj)
{
    struct fr_sample *s = obj;
    size_t n;

    (void)k;
    if (!expect(st, v, YAML_SEQUENCE_NODE, "a list of sample instances", NULL))
        return;
    n = seq_len(v);
    if (!n) {
        add_err(&st->e, pos_of(v), "e.g. `instances: [{weight: 99}, {weight: "
                "1, env: {valgrind: {}}}]`", "'instances' is empty; a sample "
                "needs at least one instance");
        return;
    }
    s->instances = talloc_zero_array(st->cfg, struct fr_sample_instance, n);
    if (!s->instances) {
        oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !stopped(st); item++) {
        yaml_node_t *it = node_at(st, *item);
        struct fr_sample_instance *in = &s->instances[s->ninstances];

        if (!it)
            continue;
        memset(in, 0, sizeof(*in));
        in->pos = pos_of(it);
        env_init(&in->env);
        if (walk_map(st, it, &instance_schema, in,
                     "a sample instance (a mapping)", NULL))
            s->ninstances++;
    }
}

static const struct field sample_fields[] = {
    { U64("seed", struct fr_sample, seed) },
    { FN("instances", fn_instances, 0), .required = true,
      .hint_missing = "e.g. `instances: [{weight: 99}, {weight: 1}]`" },
};
static const struct schema sample_schema = {
    "in sample", sample_fields, ARRAY_SIZE(sample_fields)
};

static void fn_sample(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                      void *obj)
{
    struct fr_sample *s = obj;

    s->present = true;
    s->pos = pos_of(k);
    walk_map(st, v, &sample_schema, s, "a mapping for 'sample'", NULL);
}

/* ---- FMPs -------------------------------------------------------------- */

static void fn_fmp_name(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                        void *obj)
{
    struct fr_fmp_conf *f = obj;
    const char *s;
    size_t len;

    (void)k;
    if (!get_text(st, v, "an FMP name", &s, &len))
        return;
    if (!ident(s, len, true)) {
        add_err(&st->e, pos_of(v), "an FMP name starts with a letter or '_' "
                "and holds letters, digits, '_' and '-'", "'%s' is not a valid "
                "FMP name", show(&st->e, s, len));
        return;
    }
    if (len > FMP_NAME_MAX) {
        add_err(&st->e, pos_of(v), NULL, "FMP name '%s' is too long (%zu "
                "characters, at most %d)", show(&st->e, s, len), len,
                FMP_NAME_MAX);
        return;
    }
    f->name = talloc_strndup(st->cfg, s, len);
    if (!f->name)
        oom(st);
    *st->name_pos = pos_of(v);
}

static bool valid_module(struct st *st, const yaml_node_t *it, const char *s,
                         size_t len)
{
    if (ident(s, len, false))
        return true;
    add_err(&st->e, pos_of(it), "module names are C identifiers, as in "
            "FRACTURE_MODULE(name, ...)", "'%s' is not a valid module name",
            show(&st->e, s, len));
    return false;
}

static void fn_modules(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_fmp_conf *f = obj;

    (void)k;
    if (v->type == YAML_SEQUENCE_NODE && !seq_len(v)) {
        add_err(&st->e, pos_of(v), "an FMP without modules has nothing to "
                "run; remove it or list its modules", "'modules' is empty");
        return;
    }
    str_list(st, v, "a list of module names", "a module name", NULL,
             valid_module, &f->modules, &f->module_pos, &f->nmodules);
}

static const struct field fmp_fields[] = {
    { FN("name", fn_fmp_name, 0), .required = true,
      .hint_missing = "every FMP needs a name, e.g. `name: parsing`" },
    { FN("modules", fn_modules, 0), .required = true,
      .hint_missing = "list the modules it runs, e.g. `modules: [parser]`" },
    { FN("env", fn_env, offsetof(struct fr_fmp_conf, env)) },
    { FN("restart", fn_restart, offsetof(struct fr_fmp_conf, restart)) },
    { FN("replicate", fn_replicate, offsetof(struct fr_fmp_conf, replicate)) },
    { FN("sample", fn_sample, offsetof(struct fr_fmp_conf, sample)) },
};
static const struct schema fmp_schema = {
    "in this FMP", fmp_fields, ARRAY_SIZE(fmp_fields)
};

static void fmp_init(struct fr_fmp_conf *f, struct fr_pos pos)
{
    memset(f, 0, sizeof(*f));
    f->pos = pos;
    env_init(&f->env);
    f->restart.max = 5;
    f->restart.window_s = 60;
    f->restart.retries = 2;
    f->restart.on_exhausted = FR_EXHAUSTED_FAIL;
    f->replicate.on_divergence = FR_DIVERGE_VOTE;
}

static bool after(struct fr_pos a, struct fr_pos b)
{
    return a.line > b.line || (a.line == b.line && a.col > b.col);
}

/* Duplicate FMP names and modules placed twice: across all FMPs. */
static void check_placement(struct st *st, const struct fr_config *cfg,
                            const struct fr_pos *name_pos)
{
    const char **names;
    size_t *first, n = 0, j = 0;
    struct { size_t fmp, mod; } *where;

    names = talloc_array(st->e.ctx, const char *, cfg->nfmps ? cfg->nfmps : 1);
    first = talloc_array(st->e.ctx, size_t, cfg->nfmps ? cfg->nfmps : 1);
    if (!names || !first)
        goto out_oom;
    for (size_t i = 0; i < cfg->nfmps; i++)
        names[i] = cfg->fmps[i].name;
    if (find_firsts(st->e.ctx, names, cfg->nfmps, first))
        goto out_oom;
    for (size_t i = 0; i < cfg->nfmps; i++)
        if (first[i] != i)
            add_err(&st->e, name_pos[i], "every FMP needs its own name",
                    "duplicate FMP name '%s' (first at %s:%u:%u)", names[i],
                    st->e.file, name_pos[first[i]].line,
                    name_pos[first[i]].col);

    for (size_t i = 0; i < cfg->nfmps; i++)
        n += cfg->fmps[i].nmodules;
    if (!n)
        return;
    names = talloc_array(st->e.ctx, const char *, n);
    first = talloc_array(st->e.ctx, size_t, n);
    where = talloc_size(st->e.ctx, n * sizeof(*where));
    if (!names || !first || !where)
        goto out_oom;
    for (size_t i = 0; i < cfg->nfmps; i++) {
        for (size_t m = 0; m < cfg->fmps[i].nmodules; m++, j++) {
            names[j] = cfg->fmps[i].modules[m];
            where[j].fmp = i;
            where[j].mod = m;
        }
    }
    if (find_firsts(st->e.ctx, names, n, first))
        goto out_oom;
    for (j = 0; j < n; j++) {
        const struct fr_fmp_conf *f, *f0;
        struct fr_pos p, p0;

        if (first[j] == j)
            continue;
        f = &cfg->fmps[where[j].fmp];
        f0 = &cfg->fmps[where[first[j]].fmp];
        p = f->module_pos[where[j].mod];
        p0 = f0->module_pos[where[first[j]].mod];
        if (f0->name)
            add_err(&st->e, p, "a module runs in one FMP only", "module '%s' "
                    "is already placed in FMP '%s' (at %s:%u:%u)", names[j],
                    f0->name, st->e.file, p0.line, p0.col);
        else
            add_err(&st->e, p, "a module runs in one FMP only", "module '%s' "
                    "is already placed in another FMP (at %s:%u:%u)",
                    names[j], st->e.file, p0.line, p0.col);
    }
    return;
out_oom:
    oom(st);
}

static void fn_fmps(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                    void *obj)
{
    struct fr_config *cfg = obj;
    struct fr_pos *name_pos;
    size_t n;

    (void)k;
    if (!expect(st, v, YAML_SEQUENCE_NODE, "a list of FMPs",
                "write `fmps: []` for none"))
        return;
    n = seq_len(v);
    if (!n)
        return;
    cfg->fmps = talloc_zero_array(cfg, struct fr_fmp_conf, n);
    name_pos = talloc_zero_array(st->e.ctx, struct fr_pos, n);
    if (!cfg->fmps || !name_pos) {
        oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !stopped(st); item++) {
        yaml_node_t *it = node_at(st, *item);
        struct fr_fmp_conf *f = &cfg->fmps[cfg->nfmps];

        if (!it)
            continue;
        fmp_init(f, pos_of(it));
        st->name_pos = &name_pos[cfg->nfmps];
        if (!walk_map(st, it, &fmp_schema, f, "an FMP (a mapping with name "
                      "and modules)", NULL))
            continue;
        cfg->nfmps++;
        if (f->replicate.present && f->sample.present) {
            bool rep_last = after(f->replicate.pos, f->sample.pos);

            add_err(&st->e, rep_last ? f->replicate.pos : f->sample.pos,
                    "replicate sends every call to all replicas, sample sends "
                    "each call to one instance; keep one of them",
                    "an FMP cannot both replicate and sample");
        }
    }
    st->name_pos = NULL;
    if (!stopped(st))
        check_placement(st, cfg, name_pos);
}

/* ---- top level --------------------------------------------------------- */

static void fn_version(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_config *cfg = obj;
    bool neg, big;
    uint64_t mag;

    (void)k;
    if (!get_num(st, "version", v, &neg, &mag, &big))
        return;
    if (neg || big || mag != 1) {
        add_err(&st->e, pos_of(v), NULL, "unsupported config version %s; "
                "this Fracture reads version 1",
                show(&st->e, stext(v), slen(v)));
        return;
    }
    cfg->version = 1;
}

static const struct field defaults_fields[] = {
    { UINT("spin_us", struct fr_config, spin_us, 0, 1000000) },
    { UINT("call_timeout_ms", struct fr_config, call_timeout_ms, 0, 86400000) },
    { UINT("max_threads", struct fr_config, max_threads, 1, 4096) },
    { UINT("max_payload_mb", struct fr_config, max_payload_mb, 1, 4096) },
    { UINT("channel_kb", struct fr_config, channel_kb, 16, 65536) },
};
static const struct schema defaults_schema = {
    "in defaults", defaults_fields, ARRAY_SIZE(defaults_fields)
};

static void fn_defaults(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                        void *obj)
{
    (void)k;
    walk_map(st, v, &defaults_schema, obj, "a mapping for 'defaults'",
             "write `defaults: {}` or leave it out");
}

static const struct field trace_fields[] = {
    { STR("file", struct fr_config, trace_file, "a file name"),
      .required = true, .hint_missing = "e.g. `trace: {file: trace.json}`" },
};
static const struct schema trace_schema = {
    "in trace", trace_fields, ARRAY_SIZE(trace_fields)
};

static void fn_trace(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                     void *obj)
{
    struct fr_config *cfg = obj;

    cfg->has_trace = true;
    cfg->trace_pos = pos_of(k);
    walk_map(st, v, &trace_schema, cfg, "a mapping for 'trace'",
             "e.g. `trace: {file: trace.json}`");
}

static const struct field reports_fields[] = {
    { STR("dir", struct fr_config, reports_dir, "a directory name") },
};
static const struct schema reports_schema = {
    "in reports", reports_fields, ARRAY_SIZE(reports_fields)
};

static void fn_reports(struct st *st, const yaml_node_t *k, yaml_node_t *v,
                       void *obj)
{
    struct fr_config *cfg = obj;

    (void)k;
    cfg->has_reports = true;
    walk_map(st, v, &reports_schema, cfg, "a mapping for 'reports'",
             "write `reports: {}` for the default directory");
}

static const struct field top_fields[] = {
    { FN("version", fn_version, 0), .required = true,
      .hint_missing = "start the file with `version: 1`" },
    { FN("defaults", fn_defaults, 0) },
    { FN("fmps", fn_fmps, 0) },
    { FN("trace", fn_trace, 0) },
    { FN("reports", fn_reports, 0) },
};
static const struct schema top_schema = {
    "at the top level", top_fields, ARRAY_SIZE(top_fields)
};

/* Reader errors (bad UTF-8) carry a byte offset, not a mark. */
static struct fr_pos offset_pos(const char *text, size_t len, size_t off)
{
    struct fr_pos p = { 1, 1 };

    for (size_t i = 0; i < off && i < len; i++) {
        if (text[i] == '\n') {
            p.line++;
            p.col = 1;
        } else {
            p.col++;
        }
    }
    return p;
}

static void syntax_error(struct st *st, const yaml_parser_t *p,
                         const char *text, size_t len)
{
    struct fr_pos pos;
    char *hint = NULL;

    if (p->error == YAML_MEMORY_ERROR) {
        oom(st);
        return;
    }
    if (p->error == YAML_READER_ERROR) {
        pos = offset_pos(text, len, p->problem_offset);
    } else {
        pos.line = (unsigned)p->problem_mark.line + 1;
        pos.col = (unsigned)p->problem_mark.column + 1;
    }
    if (p->context) {
        hint = talloc_asprintf(st->e.ctx, "%s at line %zu, column %zu",
                               p->context, p->context_mark.line + 1,
                               p->context_mark.column + 1);
        if (!hint)
            oom(st);
    }
    add_err(&st->e, pos, hint, "invalid YAML: %s",
            p->problem ? p->problem : "syntax error");
}

static struct fr_config *config_new(void *ctx, const char *file)
{
    struct fr_config *cfg = talloc_zero(ctx, struct fr_config);

    if (!cfg)
        return NULL;
    cfg->file = talloc_strdup(cfg, file);
    cfg->reports_dir = talloc_strdup(cfg, "fracture-reports");
    if (!cfg->file || !cfg->reports_dir) {
        talloc_free(cfg);
        return NULL;
    }
    cfg->spin_us = 50;
    cfg->call_timeout_ms = 0;
    cfg->max_threads = 128;
    cfg->max_payload_mb = 64;
    cfg->channel_kb = 256;
    return cfg;
}

/* Walk the loaded document and look for a second one behind it. */
static void walk_doc(struct st *st, yaml_parser_t *parser, const char *text,
                     size_t len)
{
    yaml_node_t *root = yaml_document_get_root_node(st->doc);
    yaml_document_t next;

    if (!root || is_null(root)) {
        struct fr_pos p = { 1, 1 };
        add_err(&st->e, p, NULL, "the config is empty; start with `version: 1`");
        return;
    }
    st->nnodes = (size_t)(st->doc->nodes.top - st->doc->nodes.start);
    st->seen = talloc_zero_array(st->e.ctx, unsigned char, st->nnodes);
    if (!st->seen) {
        oom(st);
        return;
    }
    st->seen[0] = 1;          /* the root is node 1 */
    walk_map(st, root, &top_schema, st->cfg, "a mapping of config keys "
             "(version, defaults, fmps, ...)", NULL);

    /* Empty documents after it (a stray `---`) are harmless. */
    for (bool more = true; more;) {
        if (!yaml_parser_load(parser, &next)) {
            syntax_error(st, parser, text, len);
            return;
        }
        root = yaml_document_get_root_node(&next);
        more = root && is_null(root);
        if (root && !more)
            add_err(&st->e, pos_of(root), "keep one document: remove the "
                    "`---` line and what follows", "the config holds more "
                    "than one YAML document");
        yaml_document_delete(&next);
    }
}

int fr__config_parse(void *ctx, const char *file, const char *text, size_t len,
                     struct fr_config **out, struct fr_diag *d)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    struct st st;
    void *tmp;
    int ret;

    *out = NULL;
    if (!file)
        file = "<config>";
    tmp = talloc_new(ctx);
    if (!tmp)
        return -ENOMEM;
    memset(&st, 0, sizeof(st));
    errs_init(&st.e, tmp, file);
    if (len > CONFIG_MAX_BYTES) {
        fr__diag_add(d, file, 0, 0, NULL, "the config is larger than 1 MiB "
                     "(%zu bytes)", len);
        ret = -EINVAL;
        goto out_tmp;
    }
    st.cfg = config_new(ctx, file);
    if (!st.cfg) {
        ret = -ENOMEM;
        goto out_tmp;
    }
    if (!yaml_parser_initialize(&parser)) {
        ret = -ENOMEM;
        goto out_cfg;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        syntax_error(&st, &parser, text, len);
    } else {
        st.doc = &doc;
        walk_doc(&st, &parser, text, len);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    ret = errs_flush(&st.e, d);
    if (ret)
        goto out_cfg;
    *out = st.cfg;
    goto out_tmp;
out_cfg:
    talloc_free(st.cfg);
out_tmp:
    talloc_free(tmp);
    return ret;
}

int fr__config_load(void *ctx, const char *file, struct fr_config **out,
                    struct fr_diag *d)
{
    char *buf, ebuf[128];
    size_t len = 0;
    int fd, ret;

    *out = NULL;
    /* One byte more than the limit, so that parse can tell "too big". */
    buf = talloc_size(ctx, CONFIG_MAX_BYTES + 1);
    if (!buf)
        return -ENOMEM;
    fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        ret = -errno;
        goto out_err;
    }
    while (len < CONFIG_MAX_BYTES + 1) {
        ssize_t r = read(fd, buf + len, CONFIG_MAX_BYTES + 1 - len);

        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            ret = -errno;
            close(fd);
            goto out_err;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    ret = fr__config_parse(ctx, file, buf, len, out, d);
    talloc_free(buf);
    return ret;
out_err:
    fr__diag_add(d, file, 0, 0, NULL, "cannot read: %s",
                 strerror_r(-ret, ebuf, sizeof(ebuf)));
    talloc_free(buf);
    return ret;
}

/* ---- check against the app --------------------------------------------- */

struct policy {
    const char *name;         /* as in the config */
    unsigned cap;
    const char *adj;          /* "restartable" */
    const char *verb;         /* "restarting" */
};

static const struct policy policies[] = {
    { "restart", FR_RESTARTABLE, "restartable", "restarting" },
    { "replicate", FR_REPLICABLE, "replicable", "replicating" },
    { "sample", FR_SAMPLABLE, "samplable", "sampling" },
};

static const char *const cap_names[] = {
    "FR_RESTARTABLE", "FR_REPLICABLE", "FR_SAMPLABLE",
};

struct ck {
    struct errs e;
    const struct fr_app *app;
    struct named *sorted;     /* the app's module names, for bsearch */
    size_t nsorted;
    int valgrind;             /* -1: not looked for yet, 0: missing, 1: found */
};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const struct named *)a)->name,
                  ((const struct named *)b)->name);
}

static int module_index(const struct ck *ck, const char *name)
{
    struct named key = { name, 0 };
    const struct named *p = bsearch(&key, ck->sorted, ck->nsorted,
                                    sizeof(*p), cmp_name);

    return p ? (int)p->i : -1;
}

/* As execvp looks a command up. */
static bool in_path(void *tmp, const char *cmd)
{
    const char *path = getenv("PATH");
    bool found = false;
    char *copy, *save = NULL;

    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    copy = talloc_strdup(tmp, path);
    if (!copy)
        return false;
    /* strtok_r would skip empty elements, which mean the current directory */
    for (char *dir = copy; dir && !found; dir = save) {
        char *colon = strchr(dir, ':');
        char *full;
        struct stat sb;

        save = colon ? colon + 1 : NULL;
        if (colon)
            *colon = '\0';
        full = talloc_asprintf(tmp, "%s/%s", *dir ? dir : ".", cmd);
        found = full && access(full, X_OK) == 0 && stat(full, &sb) == 0 &&
                S_ISREG(sb.st_mode);
        talloc_free(full);
    }
    talloc_free(copy);
    return found;
}

static void check_env(struct ck *ck, const struct fr_env *env)
{
    char ebuf[128];

    if (!env->present)
        return;
    if (env->has_valgrind) {
        if (ck->valgrind < 0)
            ck->valgrind = in_path(ck->e.ctx, "valgrind");
        if (!ck->valgrind)
            add_err(&ck->e, env->valgrind_pos, "apt-get install valgrind",
                    "valgrind is not installed (no 'valgrind' in PATH)");
    }
    for (size_t i = 0; i < env->npreload; i++) {
        const char *p = env->preload[i];
        bool shipped = false;

        if (strchr(p, '/')) {
            if (access(p, R_OK)) {
                const char *why = strerror_r(errno, ebuf, sizeof(ebuf));

                add_err(&ck->e, env->preload_pos[i], NULL, "cannot read "
                        "preload library '%s': %s", show(&ck->e, p, strlen(p)),
                        why);
            }
            continue;
        }
        for (size_t a = 0; a < ARRAY_SIZE(shipped_agents); a++)
            shipped = shipped || !strcmp(p, shipped_agents[a]);
        if (!shipped) {
            const char *best = fr__suggest(p, shipped_agents,
                                           ARRAY_SIZE(shipped_agents));
            char *hint = best ?
                talloc_asprintf(ck->e.ctx, "did you mean '%s'?", best) :
                talloc_asprintf(ck->e.ctx, "shipped agents: ");

            for (size_t a = 0; !best && hint && a < ARRAY_SIZE(shipped_agents); a++)
                hint = talloc_asprintf_append(hint, "%s%s", a ? ", " : "",
                                              shipped_agents[a]);
            if (hint && !best)
                hint = talloc_asprintf_append(hint, "; give your own library "
                                              "as a path (with a '/')");
            if (!hint)
                ck->e.oom = true;
            add_err(&ck->e, env->preload_pos[i], hint, "unknown preload agent "
                    "'%s'", show(&ck->e, p, strlen(p)));
        }
    }
}

static void unknown_module(struct ck *ck, const char *name, struct fr_pos pos)
{
    const char *best = NULL;
    char *hint = NULL;
    const char **names = talloc_array(ck->e.ctx, const char *,
                                      ck->app->nmodules ? ck->app->nmodules : 1);
    size_t n = 0;

    if (!names) {
        ck->e.oom = true;
        return;
    }
    for (unsigned i = 0; ck->app->modules && i < ck->app->nmodules; i++)
        if (ck->app->modules[i].name)
            names[n++] = ck->app->modules[i].name;
    best = fr__suggest(name, names, n);
    if (best) {
        hint = talloc_asprintf(ck->e.ctx, "did you mean '%s'?", best);
    } else if (n) {
        hint = talloc_asprintf(ck->e.ctx, "the app's modules: ");
        for (size_t i = 0; hint && i < n && i < HINT_MODULES; i++)
            hint = talloc_asprintf_append(hint, "%s%s", i ? ", " : "",
                                          names[i]);
        if (hint && n > HINT_MODULES)
            hint = talloc_asprintf_append(hint, ", and %zu more",
                                          n - HINT_MODULES);
        if (!hint)
            ck->e.oom = true;
    }
    add_err(&ck->e, pos, hint, "unknown module '%s'", name);
}

/* "FR_RESTARTABLE | FR_SAMPLABLE": the caps a module has plus @add. */
static char *caps_text(void *ctx, unsigned caps)
{
    char *s = talloc_strdup(ctx, "");

    for (size_t i = 0; s && i < ARRAY_SIZE(cap_names); i++)
        if (caps & (1u << i))
            s = talloc_asprintf_append(s, "%s%s", *s ? " | " : "", cap_names[i]);
    return s;
}

static void check_fmp(struct ck *ck, const struct fr_fmp_conf *f)
{
    const bool present[] = { f->restart.present, f->replicate.present,
                             f->sample.present };
    const struct fr_pos ppos[] = { f->restart.pos, f->replicate.pos,
                                   f->sample.pos };
    const char *name = f->name ? f->name : "?";
    bool holds_main = false;
    int *idx;

    idx = talloc_array(ck->e.ctx, int, f->nmodules ? f->nmodules : 1);
    if (!idx) {
        ck->e.oom = true;
        return;
    }
    for (size_t m = 0; m < f->nmodules; m++) {
        idx[m] = module_index(ck, f->modules[m]);
        if (idx[m] < 0)
            unknown_module(ck, f->modules[m], f->module_pos[m]);
        holds_main = holds_main || !strcmp(f->modules[m], "main");
    }

    if (holds_main) {
        /* Policies and environments are given to a child process at its
         * start; main's process is the one that starts the others. */
        for (size_t i = 0; i <= ARRAY_SIZE(policies); i++) {
            bool env = i == ARRAY_SIZE(policies);
            const char *what = env ? "env" : policies[i].name;
            char *hint;

            if (env ? !f->env.present : !present[i])
                continue;
            hint = f->nmodules > 1 ?
                talloc_asprintf(ck->e.ctx, "main stays in the root process; "
                                "move the modules that need %s to an FMP of "
                                "their own", what) :
                talloc_asprintf(ck->e.ctx, "main stays in the root process; "
                                "remove %s from this FMP", what);
            if (!hint)
                ck->e.oom = true;
            add_err(&ck->e, env ? f->env.pos : ppos[i], hint, "FMP '%s' holds "
                    "main, which always runs in the root process; %s cannot "
                    "apply to it", name, what);
        }
        talloc_free(idx);
        return;
    }

    for (size_t i = 0; i < ARRAY_SIZE(policies); i++) {
        if (!present[i])
            continue;
        for (size_t m = 0; m < f->nmodules; m++) {
            const struct fr_module *mod;
            char *hint;

            if (idx[m] < 0)
                continue;
            mod = &ck->app->modules[idx[m]];
            if (mod->caps & policies[i].cap)
                continue;
            hint = caps_text(ck->e.ctx, mod->caps | policies[i].cap);
            if (hint)
                hint = talloc_asprintf(ck->e.ctx, "mark it FRACTURE_MODULE(%s, "
                                       "%s) if %s it is safe, or move it to "
                                       "another FMP", mod->name, hint,
                                       policies[i].verb);
            if (!hint)
                ck->e.oom = true;
            add_err(&ck->e, ppos[i], hint, "FMP '%s' asks for %s, but module "
                    "'%s' is not %s", name, policies[i].name, mod->name,
                    policies[i].adj);
        }
    }
    talloc_free(idx);

    check_env(ck, &f->env);
    for (size_t i = 0; i < f->restart.nenvironments; i++)
        check_env(ck, &f->restart.environments[i]);
    for (size_t i = 0; i < f->replicate.nenvironments; i++)
        check_env(ck, &f->replicate.environments[i]);
    for (size_t i = 0; i < f->sample.ninstances; i++)
        check_env(ck, &f->sample.instances[i].env);
}

int fr__config_check(const struct fr_config *cfg, const struct fr_app *app,
                     struct fr_diag *d)
{
    struct ck ck;
    void *tmp;
    int ret;

    if (!cfg || !app)
        return -EINVAL;
    tmp = talloc_new(d->ctx);
    if (!tmp)
        return -ENOMEM;
    memset(&ck, 0, sizeof(ck));
    errs_init(&ck.e, tmp, cfg->file ? cfg->file : "<config>");
    ck.app = app;
    ck.valgrind = -1;
    ck.sorted = talloc_array(tmp, struct named, app->nmodules ? app->nmodules : 1);
    if (!ck.sorted) {
        ret = -ENOMEM;
        goto out_tmp;
    }
    for (unsigned i = 0; app->modules && i < app->nmodules; i++)
        if (app->modules[i].name)
            ck.sorted[ck.nsorted++] = (struct named){ app->modules[i].name, i };
    /* by name, then index: the first of two equal names wins */
    qsort(ck.sorted, ck.nsorted, sizeof(*ck.sorted), cmp_named);

    for (size_t i = 0; i < cfg->nfmps && !ck.e.full && !ck.e.oom; i++)
        check_fmp(&ck, &cfg->fmps[i]);
    ret = errs_flush(&ck.e, d);
out_tmp:
    talloc_free(tmp);
    return ret;
}
