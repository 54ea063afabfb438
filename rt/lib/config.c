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
 * nesting is bounded before the document is loaded, and the number of
 * errors is capped.
 *
 * The check that follows (against the app, then the machine) runs on
 * whatever the parse made of the file, into the same error list, so that
 * `fracture check` and a start say everything at once and the same.
 */
#include "config.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include <talloc.h>
#include <yaml.h>

#include "group.h"
#include "region.h"

#ifndef FR_VERSION
#define FR_VERSION "?"        /* the library defines it (rt/CMakeLists.txt) */
#endif

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
/* Collections nested deeper than this are refused before the document is
 * loaded.  The deepest a valid config goes is 9 (top, fmps, an FMP,
 * sample, instances, an instance, env, valgrind, args); libyaml's scanner
 * costs time quadratic in the depth (80,000 nested `[` took 41 s), so the
 * depth is counted on the event stream, which stops at the limit. */
#define MAX_DEPTH 32
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
    bool deep;                /* MAX_DEPTH exceeded: not loaded at all */
    struct fr_pos *name_pos;  /* where the FMP being walked keeps its name */
};

static bool stopped(const struct st *st)
{
    return st->e.full || st->e.oom || st->bomb || st->deep;
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
    size_t pos_off;           /* 1 + offset of a struct fr_pos that keeps where
                               * the value is written; 0: not kept */
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
/* Keep the value's position in member m (the checks against the machine
 * name the line:col of the number they refuse). */
#define AT(T, m) .pos_off = OFF(T, m, struct fr_pos) + 1

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

    if (f->pos_off) {
        struct fr_pos at = pos_of(v);
        memcpy((char *)obj + f->pos_off - 1, &at, sizeof(at));
    }
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
    { STR("tool", struct fr_env, valgrind_tool, "a Valgrind tool name"),
      AT(struct fr_env, tool_pos) },
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
        /* FRACTURE_PLAN, _CONFIG, _CHECK, _MODULES, ... steer the runtime
         * of the child itself; one set by the config would be dropped or
         * would break the child, so none may be.  FRACTURE_FAULT is the
         * one meant for a child: the crash tests' injection points. */
        if (len >= 9 && !memcmp(name, "FRACTURE_", 9) &&
            !text_is(name, len, "FRACTURE_FAULT")) {
            add_err(&st->e, pos_of(kn), "rename it: a module's own "
                    "variables may not start with FRACTURE_ (FRACTURE_FAULT, "
                    "for fault injection, is the one exception)", "variable '%s' "
                    "is reserved: FRACTURE_* variables are Fracture's own",
                    show(&st->e, name, len));
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
    { LONG("memory_mb", struct fr_limits, memory_mb, 1, 1048576),
      AT(struct fr_limits, memory_pos) },
    { LONG("cpu_s", struct fr_limits, cpu_s, 1, 31536000),
      AT(struct fr_limits, cpu_pos) },
    { LONG("open_files", struct fr_limits, open_files, 16, 1048576),
      AT(struct fr_limits, files_pos) },
    { BOOL("core", struct fr_limits, core), AT(struct fr_limits, core_pos) },
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
        env->nice_pos = pos_of(v);
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
    env->cpu_pos = talloc_zero_array(st->cfg, struct fr_pos,
                                     n < MAX_CPUS ? n : MAX_CPUS);
    seen = talloc_zero_array(st->e.ctx, struct fr_pos, MAX_CPUS);
    if (!env->cpus || !env->cpu_pos || !seen) {
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
        env->cpu_pos[env->ncpus] = pos_of(it);
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
    /* The runtime names the root process 'root' when no FMP holds main:
     * a second FMP of that name would make every message about it (and
     * `fracture ps`) ambiguous. */
    if (text_is(s, len, "root")) {
        add_err(&st->e, pos_of(v), "choose another name; the FMP holding "
                "main may have any other name too", "FMP name 'root' is "
                "reserved: it names the root process");
        /* kept, so that the check's messages about this FMP name it */
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

    cfg->fmps_pos = pos_of(k);
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
    { UINT("max_threads", struct fr_config, max_threads, 1, 4096),
      AT(struct fr_config, max_threads_pos) },
    { UINT("max_payload_mb", struct fr_config, max_payload_mb, 1, 4096) },
    { UINT("channel_kb", struct fr_config, channel_kb, 16, 65536),
      AT(struct fr_config, channel_kb_pos) },
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
    { STR("dir", struct fr_config, reports_dir, "a directory name"),
      AT(struct fr_config, reports_pos) },
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

static struct fr_pos mark_pos(yaml_mark_t m)
{
    struct fr_pos p = { (unsigned)m.line + 1, (unsigned)m.column + 1 };
    return p;
}

/*
 * Before the document is loaded: one pass over the event stream that
 * refuses YAML tags (`!foo`, `!!int`: the schema gives every value its
 * type, and a tag silently ignored would let `!!binary` or an
 * application tag pretend to mean something) and stops at once at a
 * collection nested deeper than MAX_DEPTH.  A syntax error ends the pass
 * quietly: the loader reports it with its context.  Returns false when
 * the document must not be loaded.
 */
static bool prescan(struct st *st, const char *text, size_t len)
{
    yaml_parser_t p;
    yaml_event_t ev;
    int depth = 0;

    if (!yaml_parser_initialize(&p)) {
        oom(st);
        return false;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    while (!stopped(st) && yaml_parser_parse(&p, &ev)) {
        const yaml_char_t *tag = NULL;
        bool end = ev.type == YAML_STREAM_END_EVENT;

        switch (ev.type) {
        case YAML_SCALAR_EVENT:
            tag = ev.data.scalar.tag;
            break;
        case YAML_SEQUENCE_START_EVENT:
            tag = ev.data.sequence_start.tag;
            depth++;
            break;
        case YAML_MAPPING_START_EVENT:
            tag = ev.data.mapping_start.tag;
            depth++;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        default:
            break;
        }
        if (tag) {
            static const char core[] = "tag:yaml.org,2002:";
            const char *t = (const char *)tag;
            bool is_core = !strncmp(t, core, sizeof(core) - 1);
            char *shown = talloc_asprintf(st->e.ctx, "%s%s", is_core ? "!!" : "",
                                          is_core ? t + sizeof(core) - 1 : t);

            if (!shown)
                oom(st);
            add_err(&st->e, mark_pos(ev.start_mark), "remove the tag; every key "
                    "of a deployment config has one type, and a value meant as "
                    "text can be quoted", "YAML tag '%s' is not allowed in a "
                    "deployment config", shown ? show(&st->e, shown, strlen(shown))
                                               : "?");
        }
        if (depth > MAX_DEPTH) {
            add_err(&st->e, mark_pos(ev.start_mark), "a deployment config "
                    "nests at most 9 levels deep; this file is not one",
                    "the config nests deeper than %d levels", MAX_DEPTH);
            st->deep = true;
        }
        yaml_event_delete(&ev);
        if (end)
            break;
    }
    yaml_parser_delete(&p);
    return !stopped(st);
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

static void check_all(struct errs *e, const struct fr_config *cfg,
                      const struct fr_app *app);

/* Parse, then (with @app, when the tree is worth it) check, every error
 * into one list. */
static int parse_text(void *ctx, const char *file, const char *text, size_t len,
                      const struct fr_app *app, struct fr_config **out,
                      struct fr_diag *d)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    struct st st;
    bool walked = false;
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
    if (!prescan(&st, text, len)) {
        /* too deep, or out of memory: nothing more is read */
    } else if (!yaml_parser_load(&parser, &doc)) {
        syntax_error(&st, &parser, text, len);
    } else {
        st.doc = &doc;
        walk_doc(&st, &parser, text, len);
        walked = st.seen != NULL && !stopped(&st);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
    /* What the parse could make of the file is checked too, so that one
     * run shows every error of the file. */
    if (app && walked)
        check_all(&st.e, st.cfg, app);
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

int fr__config_parse(void *ctx, const char *file, const char *text, size_t len,
                     struct fr_config **out, struct fr_diag *d)
{
    return parse_text(ctx, file, text, len, NULL, out, d);
}

static int load(void *ctx, const char *file, const struct fr_app *app,
                struct fr_config **out, struct fr_diag *d)
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
    ret = parse_text(ctx, file, buf, len, app, out, d);
    talloc_free(buf);
    return ret;
out_err:
    fr__diag_add(d, file, 0, 0, NULL, "cannot read: %s",
                 strerror_r(-ret, ebuf, sizeof(ebuf)));
    talloc_free(buf);
    return ret;
}

int fr__config_load(void *ctx, const char *file, struct fr_config **out,
                    struct fr_diag *d)
{
    return load(ctx, file, NULL, out, d);
}

int fr__config_read(void *ctx, const char *file, const struct fr_app *app,
                    struct fr_config **out, struct fr_diag *d)
{
    return load(ctx, file, app, out, d);
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

/*
 * The check against the app and against the machine.  Each check is one
 * function over one part of the tree, called from check_fmp or check_all;
 * each adds every problem it finds to the one error list (file order is
 * restored when the list is flushed).  What the machine can give (CPUs,
 * Valgrind's tools, limits) is looked up once per check, on first use.
 * A new key's check goes beside the others: a function, one call.
 */
struct ck {
    struct errs *e;
    const struct fr_config *cfg;
    const struct fr_app *app;
    struct named *sorted;     /* the app's module names, for bsearch */
    size_t nsorted;
    int valgrind;             /* -1: not looked for yet, 0: missing, 1: found */
    int have_cpus;            /* -1: not looked up yet, 0: unknown, 1: cpus */
    cpu_set_t cpus;           /* those this process may run on */
    int have_tools;           /* -1: not looked up yet, 0: unknown, 1: tools */
    const char **tools;       /* Valgrind's tools, sorted */
    size_t ntools;
    const struct layout *lay; /* NULL: the layout could not be computed */
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

/* As execvp looks a command up; the full path (scratch) or NULL. */
static char *in_path(void *tmp, const char *cmd)
{
    const char *path = getenv("PATH");
    char *copy, *save = NULL, *found = NULL;

    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    copy = talloc_strdup(tmp, path);
    if (!copy)
        return NULL;
    /* strtok_r would skip empty elements, which mean the current directory */
    for (char *dir = copy; dir && !found; dir = save) {
        char *colon = strchr(dir, ':');
        char *full;
        struct stat sb;

        save = colon ? colon + 1 : NULL;
        if (colon)
            *colon = '\0';
        full = talloc_asprintf(tmp, "%s/%s", *dir ? dir : ".", cmd);
        if (full && access(full, X_OK) == 0 && stat(full, &sb) == 0 &&
            S_ISREG(sb.st_mode))
            found = full;
        else
            talloc_free(full);
    }
    talloc_free(copy);
    return found;
}

/* "a, b and c" of @names[0..n), or NULL on OOM. */
static char *list_text(void *ctx, const char *const *names, size_t n)
{
    char *s = talloc_strdup(ctx, "");

    for (size_t i = 0; s && i < n; i++)
        s = talloc_asprintf_append(s, "%s%s", i ? ", " : "", names[i]);
    return s;
}

/* "did you mean 'x'?" or "@intro a, b, c", or NULL on OOM. */
static char *suggest_hint(void *ctx, const char *word, const char *const *names,
                          size_t n, const char *intro)
{
    const char *best = fr__suggest(word, names, n);
    char *all;

    if (best)
        return talloc_asprintf(ctx, "did you mean '%s'?", best);
    all = list_text(ctx, names, n);
    return all ? talloc_asprintf(ctx, "%s%s", intro, all) : NULL;
}

/* ---- what the machine can give ----------------------------------------- */

/* Valgrind's tools are the programs NAME-PLATFORM in its libexec directory
 * (VALGRIND_LIB, as valgrind itself reads it, else beside the valgrind in
 * PATH, else where distributions put them). */
#if defined(__x86_64__)
#define VG_PLATFORM "-amd64-linux"
#elif defined(__aarch64__)
#define VG_PLATFORM "-arm64-linux"
#elif defined(__i386__)
#define VG_PLATFORM "-x86-linux"
#endif

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void find_tools(struct ck *ck)
{
#ifdef VG_PLATFORM
    const char *dirs[6];
    size_t nd = 0, plen = strlen(VG_PLATFORM);
    char *vg = in_path(ck->e->ctx, "valgrind");

    ck->have_tools = 0;
    if (getenv("VALGRIND_LIB") && *getenv("VALGRIND_LIB"))
        dirs[nd++] = getenv("VALGRIND_LIB");
    if (vg && strrchr(vg, '/')) {
        *strrchr(vg, '/') = '\0';
        dirs[nd++] = talloc_asprintf(ck->e->ctx, "%s/../libexec/valgrind", vg);
        dirs[nd++] = talloc_asprintf(ck->e->ctx, "%s/../lib/valgrind", vg);
    }
    dirs[nd++] = "/usr/libexec/valgrind";
    dirs[nd++] = "/usr/lib/valgrind";
    for (size_t i = 0; i < nd && !ck->have_tools; i++) {
        DIR *dir = dirs[i] ? opendir(dirs[i]) : NULL;
        struct dirent *de;

        if (!dir)
            continue;
        while ((de = readdir(dir))) {
            size_t len = strlen(de->d_name);
            const char **t;

            /* memcheck-amd64-linux; not vgpreload_*.so, nor the getoff
             * helper, which are no tools */
            if (len <= plen || strcmp(de->d_name + len - plen, VG_PLATFORM) ||
                !strncmp(de->d_name, "getoff", 6))
                continue;
            t = talloc_realloc(ck->e->ctx, ck->tools, const char *, ck->ntools + 1);
            if (!t) {
                ck->e->oom = true;
                break;
            }
            ck->tools = t;
            ck->tools[ck->ntools] = talloc_strndup(ck->e->ctx, de->d_name, len - plen);
            if (ck->tools[ck->ntools])
                ck->ntools++;
        }
        closedir(dir);
        ck->have_tools = ck->ntools > 0;
    }
    if (ck->ntools)
        qsort(ck->tools, ck->ntools, sizeof(*ck->tools), cmp_str);
#else
    ck->have_tools = 0;       /* a platform whose tool names we do not know */
#endif
}

static void check_valgrind(struct ck *ck, const struct fr_env *env)
{
    const char *tool = env->valgrind_tool ? env->valgrind_tool : "memcheck";
    struct fr_pos at = env->tool_pos.line ? env->tool_pos : env->valgrind_pos;
    char *hint;

    if (ck->valgrind < 0)
        ck->valgrind = in_path(ck->e->ctx, "valgrind") != NULL;
    if (!ck->valgrind) {
        add_err(ck->e, env->valgrind_pos, "apt-get install valgrind",
                "valgrind is not installed (no 'valgrind' in PATH)");
        return;
    }
    if (ck->have_tools < 0)
        find_tools(ck);
    /* Without its directory the tools cannot be told: valgrind will say. */
    if (!ck->have_tools)
        return;
    if (bsearch(&tool, ck->tools, ck->ntools, sizeof(*ck->tools), cmp_str))
        return;
    hint = suggest_hint(ck->e->ctx, tool, ck->tools, ck->ntools,
                        "its tools: ");
    if (!hint)
        ck->e->oom = true;
    add_err(ck->e, at, hint, "Valgrind has no tool '%s'",
            show(ck->e, tool, strlen(tool)));
}

/* CPUs a child may be pinned to: those this process may run on, which the
 * child inherits (sched_setaffinity refuses the others). */
static void check_cpus(struct ck *ck, const struct fr_env *env)
{
    if (!env->ncpus)
        return;
    if (ck->have_cpus < 0) {
        CPU_ZERO(&ck->cpus);
        ck->have_cpus = sched_getaffinity(0, sizeof(ck->cpus), &ck->cpus) == 0;
    }
    if (!ck->have_cpus)
        return;
    for (size_t i = 0; i < env->ncpus; i++)
        if (!CPU_ISSET(env->cpus[i], &ck->cpus))
            add_err(ck->e, env->cpu_pos[i], "`nproc` counts the CPUs this "
                    "program may use, numbered from 0 (`taskset -cp $$` lists "
                    "them)", "CPU %d does not exist here, or this program may "
                    "not run on it", env->cpus[i]);
}

/* Whether @path is a shared object the dynamic loader of this program can
 * preload: a regular file, ELF, this program's class and machine, ET_DYN.
 * NULL when it is, else why not (static text). */
static const char *not_preloadable(const char *path, int *err)
{
    unsigned char h[EI_NIDENT + 4];
    struct stat sb;
    uint16_t type, machine;
    ssize_t n;
    int fd;

    *err = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        *err = errno;
        return NULL;
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return S_ISDIR(sb.st_mode) ? "it is a directory, not a shared library"
                                   : "it is not a regular file";
    }
    n = pread(fd, h, sizeof(h), 0);
    close(fd);
    if (n < (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG))
        return "it is not an ELF file";
    if (h[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32))
        return sizeof(void *) == 8 ? "it is a 32-bit library; this program is 64-bit"
                                   : "it is a 64-bit library; this program is 32-bit";
    if (h[EI_DATA] != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB
                                                                 : ELFDATA2MSB))
        return "it is built for a machine of the other byte order";
    memcpy(&type, h + EI_NIDENT, 2);
    memcpy(&machine, h + EI_NIDENT + 2, 2);
    if (type != ET_DYN)
        return type == ET_EXEC ? "it is an executable, not a shared library"
                               : "it is an ELF file but not a shared library";
#if defined(__x86_64__)
    if (machine != EM_X86_64)
#elif defined(__aarch64__)
    if (machine != EM_AARCH64)
#elif defined(__i386__)
    if (machine != EM_386)
#else
    if (0)
#endif
        return "it is built for another kind of machine";
    return NULL;
}

/* Where a shipped agent NAME is: NAME.so in $FRACTURE_PRELOAD_DIR, where
 * Fracture is installed, or in its build tree (launch.c looks the same
 * way).  Scratch string or NULL. */
static char *shipped_path(struct ck *ck, const char *name)
{
    const char *dirs[] = {
        getenv("FRACTURE_PRELOAD_DIR"),
#ifdef FR_PRELOAD_INSTALL_DIR
        FR_PRELOAD_INSTALL_DIR,
#endif
#ifdef FR_PRELOAD_BUILD_DIR
        FR_PRELOAD_BUILD_DIR,
#endif
    };

    for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
        char *p;

        if (!dirs[d] || !*dirs[d])
            continue;
        p = talloc_asprintf(ck->e->ctx, "%s/%s.so", dirs[d], name);
        if (p && access(p, R_OK) == 0)
            return p;
        talloc_free(p);
    }
    return NULL;
}

static void check_preload(struct ck *ck, const struct fr_env *env)
{
    char ebuf[128];

    for (size_t i = 0; i < env->npreload; i++) {
        const char *p = env->preload[i], *why;
        bool shipped = false;
        char *file = NULL, *hint;
        int err;

        if (strchr(p, '/')) {
            file = (char *)p;
        } else {
            for (size_t a = 0; a < ARRAY_SIZE(shipped_agents); a++)
                shipped = shipped || !strcmp(p, shipped_agents[a]);
            if (!shipped) {
                hint = suggest_hint(ck->e->ctx, p, shipped_agents,
                                    ARRAY_SIZE(shipped_agents), "shipped agents: ");
                if (hint && !fr__suggest(p, shipped_agents, ARRAY_SIZE(shipped_agents)))
                    hint = talloc_asprintf_append(hint, "; give your own library "
                                                  "as a path (with a '/')");
                if (!hint)
                    ck->e->oom = true;
                add_err(ck->e, env->preload_pos[i], hint, "unknown preload agent "
                        "'%s'", show(ck->e, p, strlen(p)));
                continue;
            }
            file = shipped_path(ck, p);
            if (!file) {
                add_err(ck->e, env->preload_pos[i], "install Fracture, or set "
                        "FRACTURE_PRELOAD_DIR to the directory that holds it",
                        "preload agent '%s' is not installed (no %s.so found)",
                        p, p);
                continue;
            }
        }
        /* The dynamic loader skips an LD_PRELOAD entry it cannot load, with
         * a warning, and runs the program without it: refuse it here. */
        why = not_preloadable(file, &err);
        if (err)
            add_err(ck->e, env->preload_pos[i], NULL, "cannot read preload "
                    "library '%s': %s", show(ck->e, p, strlen(p)),
                    strerror_r(err, ebuf, sizeof(ebuf)));
        else if (why)
            add_err(ck->e, env->preload_pos[i], "give the path of a shared "
                    "library (.so) built for this program's machine",
                    "preload library '%s' cannot be preloaded: %s",
                    show(ck->e, p, strlen(p)), why);
    }
}

/* Limits a child sets with setrlimit(soft = hard = value): raising a hard
 * limit above ours needs privilege (CAP_SYS_RESOURCE). */
static void check_rlimit(struct ck *ck, int res, const char *key, long value,
                         rlim_t want, struct fr_pos at)
{
    struct rlimit rl;

    if (value < 0 || geteuid() == 0 || getrlimit(res, &rl) < 0 ||
        rl.rlim_max == RLIM_INFINITY || want <= rl.rlim_max)
        return;
    add_err(ck->e, at, "lower it, or raise the hard limit of the shell that "
            "starts the program (ulimit -H)", "'%s' asks for more than this "
            "program's hard limit (%llu), which only a privileged process may "
            "raise", key, (unsigned long long)rl.rlim_max);
}

static void check_limits(struct ck *ck, const struct fr_env *env)
{
    const struct fr_limits *l = &env->limits;

    check_rlimit(ck, RLIMIT_AS, "memory_mb", l->memory_mb,
                 (rlim_t)l->memory_mb << 20, l->memory_pos);
    check_rlimit(ck, RLIMIT_CPU, "cpu_s", l->cpu_s, (rlim_t)l->cpu_s, l->cpu_pos);
    check_rlimit(ck, RLIMIT_NOFILE, "open_files", l->open_files,
                 (rlim_t)l->open_files, l->files_pos);
    check_rlimit(ck, RLIMIT_CORE, "core", l->core == 1 ? 1 : -1, RLIM_INFINITY,
                 l->core_pos);
    if (env->has_nice && geteuid() != 0) {
        struct rlimit rl;
        int now;

        errno = 0;
        now = getpriority(PRIO_PROCESS, 0);
        /* Lower than now only down to 20 - RLIMIT_NICE (sched(7)). */
        if (errno == 0 && env->nice < now && getrlimit(RLIMIT_NICE, &rl) == 0 &&
            (rl.rlim_cur == RLIM_INFINITY ? false : env->nice < 20 - (long)rl.rlim_cur))
            add_err(ck->e, env->nice_pos, "a nice value below the program's own "
                    "needs CAP_SYS_NICE or a higher RLIMIT_NICE", "nice %d is "
                    "below this program's (%d), which an unprivileged process "
                    "may not set", env->nice, now);
    }
}

/* ---- address space and shared memory ----------------------------------- */

/* What a start makes of the config (plan.c's rules), for the numbers: how
 * many FMPs run, and how many regions each configured FMP maps. */
struct layout {
    int n;                    /* FMPs in all: root, configured, extra members */
    size_t *regions;          /* per configured FMP: regions it maps */
    uint64_t all_regions;     /* regions in all: the root maps every one */
    struct fr_geom geom;      /* of one region */
    uint64_t stack;           /* a thread's stack, guard page included */
};

/* plan.c refuses a plan of more FMPs (fr__plan_decode). */
#define FMPS_MAX 129
/* The program, its libraries, its main thread's stack, the runtime's own
 * state and heap, before any region or thread stack: a round figure above
 * what a child of the test programs maps (10 to 20 MiB), not a measure of
 * this process, so that the check says the same on every machine. */
#define BASE_MB 32
/* Valgrind's own core and the tool's shadow memory, on top. */
#define VALGRIND_MB 256
#define VALGRIND_TEXT "256"
/* A region may map at most this much (fr__region_geom). */
#define REGION_MAX ((uint64_t)64 << 30)

static uint64_t page_up(uint64_t v)
{
    return (v + 4095) / 4096 * 4096;
}

/* The stack every thread gets (glibc's default comes from RLIMIT_STACK,
 * which a child inherits), plus its guard page. */
static uint64_t thread_stack(void)
{
    pthread_attr_t a;
    size_t sz = 8u << 20;

    if (pthread_getattr_default_np(&a) == 0) {
        pthread_attr_getstacksize(&a, &sz);
        pthread_attr_destroy(&a);
    }
    return page_up(sz) + 4096;
}

static int members(const struct fr_fmp_conf *f)
{
    if (f->replicate.present)
        return f->replicate.count ? (int)f->replicate.count : 1;
    if (f->sample.present)
        return f->sample.ninstances ? (int)f->sample.ninstances : 1;
    return 1;
}

/* 0 with *lay filled; -E2BIG when there are more FMPs than a plan can
 * hold (reported here); -ENOMEM. */
static int make_layout(struct ck *ck, struct layout *lay)
{
    const struct fr_config *cfg = ck->cfg;
    size_t nu = cfg->nfmps + 1, root = cfg->nfmps;   /* units: FMPs and the root */
    int *unit_of, *mem;
    uint8_t *pair;
    int n = 0;

    for (size_t i = 0; i < cfg->nfmps; i++)
        for (size_t m = 0; m < cfg->fmps[i].nmodules; m++)
            if (!strcmp(cfg->fmps[i].modules[m], "main"))
                root = i;
    for (size_t i = 0; i < cfg->nfmps; i++) {
        n += i == root ? 0 : members(&cfg->fmps[i]);
        if (n >= FMPS_MAX)
            break;
    }
    n++;                      /* the root */
    if (n > FMPS_MAX) {
        add_err(ck->e, cfg->fmps_pos, "group modules into fewer FMPs (a "
                "replica or an instance is an FMP too)", "the config makes "
                "more than %d FMPs (the root and %d others)", FMPS_MAX,
                FMPS_MAX - 1);
        return -E2BIG;
    }
    unit_of = talloc_array(ck->e->ctx, int, ck->app->nmodules ? ck->app->nmodules : 1);
    mem = talloc_array(ck->e->ctx, int, nu);
    pair = talloc_zero_array(ck->e->ctx, uint8_t, nu * nu);
    lay->regions = talloc_zero_array(ck->e->ctx, size_t, nu);
    if (!unit_of || !mem || !pair || !lay->regions)
        return -ENOMEM;
    for (unsigned m = 0; m < ck->app->nmodules; m++)
        unit_of[m] = (int)root;
    for (size_t i = 0; i < cfg->nfmps; i++) {
        mem[i] = i == root ? 1 : members(&cfg->fmps[i]);
        for (size_t m = 0; m < cfg->fmps[i].nmodules; m++) {
            int idx = module_index(ck, cfg->fmps[i].modules[m]);
            if (idx >= 0 && i != root)
                unit_of[idx] = (int)i;
        }
    }
    mem[cfg->nfmps] = 1;
    /* A region for every pair of FMPs whose modules may call each other;
     * every member of a group talks to whom the group talks to. */
    for (size_t a = 0; a < nu; a++)
        for (size_t b = 0; b < nu; b++)
            pair[a * nu + b] = !ck->app->edges && a != b;
    for (unsigned e = 0; ck->app->edges && e < ck->app->nedges; e++) {
        unsigned from = ck->app->edges[e].from, to = ck->app->edges[e].to;
        int a, b;

        if (from >= ck->app->nmodules || to >= ck->app->nmodules)
            continue;
        a = unit_of[from];
        b = unit_of[to];
        if (a != b)
            pair[a * nu + b] = pair[b * nu + a] = 1;
    }
    /* The implicit root unit exists only without an FMP holding main. */
    if (root != cfg->nfmps)
        for (size_t a = 0; a < nu; a++)
            pair[a * nu + cfg->nfmps] = pair[cfg->nfmps * nu + a] = 0;
    lay->all_regions = 0;
    for (size_t a = 0; a < nu; a++) {
        for (size_t b = 0; b < nu; b++) {
            if (!pair[a * nu + b])
                continue;
            lay->regions[a] += (size_t)mem[b];
            if (a < b)
                lay->all_regions += (uint64_t)mem[a] * (uint64_t)mem[b];
        }
    }
    lay->n = n;
    fr__region_geom(&lay->geom, (uint32_t)n * cfg->max_threads,
                    (uint64_t)cfg->channel_kb * 1024);
    lay->stack = thread_stack();
    return 0;
}

/* Where the numbers that size a region are written. */
static struct fr_pos sizing_pos(const struct fr_config *cfg)
{
    if (cfg->max_threads_pos.line)
        return cfg->max_threads_pos;
    if (cfg->channel_kb_pos.line)
        return cfg->channel_kb_pos;
    return cfg->fmps_pos;
}

/* A region must fit in the address space and in what can back it. */
static bool check_region(struct ck *ck, const struct layout *lay)
{
    const struct fr_config *cfg = ck->cfg;
    uint64_t size = lay->geom.size, avail;
    struct sysinfo si;

    if (size > REGION_MAX) {
        add_err(ck->e, sizing_pos(cfg), "lower defaults.max_threads or "
                "defaults.channel_kb (a region holds a channel of channel_kb "
                "for every logical thread of every FMP)", "each shared-memory "
                "region would map %llu GiB (%d FMPs x max_threads %u x "
                "channel_kb %u); at most 64 GiB", (unsigned long long)(size >> 30),
                lay->n, cfg->max_threads, cfg->channel_kb);
        return false;
    }
    /* Region pages are memfd (tmpfs) pages, in RAM or swap: a region that
     * memory and swap cannot hold would kill its FMPs (SIGBUS) once its
     * channels fill. */
    if (sysinfo(&si) == 0) {
        avail = ((uint64_t)si.totalram + si.totalswap) * si.mem_unit;
        if (size > avail) {
            add_err(ck->e, sizing_pos(cfg), "lower defaults.max_threads or "
                    "defaults.channel_kb", "each shared-memory region would "
                    "hold up to %llu MiB (%d FMPs x max_threads %u x channel_kb "
                    "%u), more than this machine's memory and swap (%llu MiB)",
                    (unsigned long long)(size >> 20), lay->n, cfg->max_threads,
                    cfg->channel_kb, (unsigned long long)(avail >> 20));
            return false;
        }
    }
    return true;
}

/* Address space an FMP that maps @nregions needs to start and to serve
 * every logical thread that may call in (a worker each), in bytes. */
static uint64_t need_bytes(const struct ck *ck, size_t nregions, bool vg,
                           uint64_t *threads)
{
    const struct layout *lay = ck->lay;

    /* acceptor and the parked spare worker, then a worker for each logical
     * thread of another FMP (the root adds its supervisor) */
    *threads = (uint64_t)(lay->n - 1) * ck->cfg->max_threads + 3;
    return ((uint64_t)BASE_MB << 20) + nregions * lay->geom.size +
           *threads * lay->stack + (vg ? (uint64_t)VALGRIND_MB << 20 : 0);
}

static char *need_hint(struct ck *ck, size_t nregions, uint64_t threads, bool vg,
                       uint64_t need, const char *fix)
{
    const struct layout *lay = ck->lay;

    return talloc_asprintf(ck->e->ctx, "it maps %zu shared-memory region%s of "
                           "%llu MiB (one per FMP it talks to: %d FMPs x "
                           "max_threads %u x channel_kb %u each), %llu thread "
                           "stacks of %llu KiB (a worker for each logical thread "
                           "that may call in), about %d MiB for the program%s; "
                           "%s at least %llu, or lower defaults.max_threads",
                           nregions, nregions == 1 ? "" : "s",
                           (unsigned long long)(lay->geom.size >> 20), lay->n,
                           ck->cfg->max_threads, ck->cfg->channel_kb,
                           (unsigned long long)threads,
                           (unsigned long long)(lay->stack >> 10), BASE_MB,
                           vg ? " and " VALGRIND_TEXT " MiB for Valgrind" : "", fix,
                           (unsigned long long)((need + (1 << 20) - 1) >> 20));
}

/* The address-space limit this program runs under (ulimit -v), which a
 * child without memory_mb inherits; 0 when there is none. */
static uint64_t inherited_as(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_AS, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY)
        return 0;
    return (uint64_t)rl.rlim_cur;
}

/* One environment a member of configured FMP @u runs in: @env's limits
 * apply (@base's when @env sets none), under Valgrind if either says so. */
static void check_memory(struct ck *ck, size_t u, const struct fr_fmp_conf *f,
                         const struct fr_env *base, const struct fr_env *env)
{
    const struct fr_env *lim = env->limits.memory_mb > 0 ? env :
                               base && base->limits.memory_mb > 0 ? base : NULL;
    bool vg = env->has_valgrind || (base && base->has_valgrind);
    uint64_t threads, need, have;
    char *hint;

    if (!ck->lay)
        return;
    need = need_bytes(ck, ck->lay->regions[u], vg, &threads);
    have = lim ? (uint64_t)lim->limits.memory_mb << 20 : inherited_as();
    if (!have || need <= have)
        return;
    hint = need_hint(ck, ck->lay->regions[u], threads, vg, need,
                     lim ? "raise memory_mb to" : "give it limits: {memory_mb:} of");
    if (!hint)
        ck->e->oom = true;
    if (lim)
        add_err(ck->e, lim == env || !env->has_valgrind ? lim->limits.memory_pos
                                                        : env->valgrind_pos,
                hint, "memory_mb %ld leaves FMP '%s' too little address space "
                "to start: it needs about %llu MiB", lim->limits.memory_mb,
                f->name ? f->name : "?",
                (unsigned long long)((need + (1 << 20) - 1) >> 20));
    else
        add_err(ck->e, f->pos, hint, "FMP '%s' needs about %llu MiB of address "
                "space, more than this program may map (ulimit -v: %llu MiB)",
                f->name ? f->name : "?",
                (unsigned long long)((need + (1 << 20) - 1) >> 20),
                (unsigned long long)(have >> 20));
}

/* The root maps every region, and serves callbacks on workers too. */
static void check_root_memory(struct ck *ck)
{
    uint64_t threads, need, have = inherited_as();
    char *hint;

    if (!ck->lay || !have || !ck->cfg->nfmps)
        return;
    need = need_bytes(ck, (size_t)ck->lay->all_regions, false, &threads);
    if (need <= have)
        return;
    hint = need_hint(ck, (size_t)ck->lay->all_regions, threads, false, need,
                     "raise ulimit -v to");
    if (!hint)
        ck->e->oom = true;
    add_err(ck->e, ck->cfg->fmps_pos, hint, "the root process needs about %llu "
            "MiB of address space for these FMPs, more than it may map "
            "(ulimit -v: %llu MiB)",
            (unsigned long long)((need + (1 << 20) - 1) >> 20),
            (unsigned long long)(have >> 20));
}

/* The reports dir: a child under Valgrind writes its XML there, and the
 * root makes it (one mkdir) before the child starts. */
static void check_reports(struct ck *ck, struct fr_pos vg_pos)
{
    const char *dir = ck->cfg->reports_dir;
    struct fr_pos at = ck->cfg->reports_pos.line ? ck->cfg->reports_pos : vg_pos;
    const char *why = NULL;
    char *parent, *slash, ebuf[128];
    struct stat sb;

    if (!dir)
        return;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            why = "it exists and is not a directory";
        else if (access(dir, W_OK | X_OK))
            why = "this user may not write in it";
    } else if (errno == ENOTDIR) {
        why = "a part of its path is a file, not a directory";
    } else if (errno != ENOENT) {
        why = strerror_r(errno, ebuf, sizeof(ebuf));
    } else {
        parent = talloc_strdup(ck->e->ctx, dir);
        if (!parent) {
            ck->e->oom = true;
            return;
        }
        while ((slash = strrchr(parent, '/')) && slash[1] == '\0' && slash != parent)
            *slash = '\0';    /* "a/b/" is "a/b" */
        slash = strrchr(parent, '/');
        if (!slash)
            strcpy(parent, ".");
        else if (slash == parent)
            parent[1] = '\0';
        else
            *slash = '\0';
        if (stat(parent, &sb) < 0)
            why = errno == ENOTDIR ? "a part of its path is a file, not a "
                  "directory" : "the directory it would be made in does not "
                  "exist (it is made with one mkdir, not mkdir -p)";
        else if (!S_ISDIR(sb.st_mode))
            why = "a part of its path is a file, not a directory";
        else if (access(parent, W_OK | X_OK))
            why = "this user may not write in the directory it would be made in";
    }
    if (why)
        add_err(ck->e, at, "give reports: {dir: DIR} a directory this user can "
                "make or write in", "reports dir '%s' cannot be %s: %s",
                show(ck->e, dir, strlen(dir)),
                stat(dir, &sb) == 0 ? "written" : "made", why);
}

static void check_env(struct ck *ck, const struct fr_env *env)
{
    if (!env->present)
        return;
    if (env->has_valgrind)
        check_valgrind(ck, env);
    check_preload(ck, env);
    check_cpus(ck, env);
    check_limits(ck, env);
}

static void unknown_module(struct ck *ck, const char *name, struct fr_pos pos)
{
    const char *best = NULL;
    char *hint = NULL;
    const char **names = talloc_array(ck->e->ctx, const char *,
                                      ck->app->nmodules ? ck->app->nmodules : 1);
    size_t n = 0;

    if (!names) {
        ck->e->oom = true;
        return;
    }
    for (unsigned i = 0; ck->app->modules && i < ck->app->nmodules; i++)
        if (ck->app->modules[i].name)
            names[n++] = ck->app->modules[i].name;
    best = fr__suggest(name, names, n);
    if (best) {
        hint = talloc_asprintf(ck->e->ctx, "did you mean '%s'?", best);
    } else if (n) {
        hint = talloc_asprintf(ck->e->ctx, "the app's modules: ");
        for (size_t i = 0; hint && i < n && i < HINT_MODULES; i++)
            hint = talloc_asprintf_append(hint, "%s%s", i ? ", " : "",
                                          names[i]);
        if (hint && n > HINT_MODULES)
            hint = talloc_asprintf_append(hint, ", and %zu more",
                                          n - HINT_MODULES);
        if (!hint)
            ck->e->oom = true;
    }
    add_err(ck->e, pos, hint, "unknown module '%s'", name);
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

/* Every environment a member of FMP @u may run in, for check_memory; and
 * whether any is under Valgrind (*vg_pos: the first). */
static void check_fmp_envs(struct ck *ck, size_t u, const struct fr_fmp_conf *f,
                           struct fr_pos *vg_pos)
{
    const struct fr_env *base = f->env.present ? &f->env : NULL;
    const struct fr_env *ov[3] = { f->restart.environments,
                                   f->replicate.environments, NULL };
    const size_t nov[3] = { f->restart.nenvironments, f->replicate.nenvironments,
                            f->sample.ninstances };

    check_env(ck, &f->env);
    check_memory(ck, u, f, NULL, &f->env);
    if (f->env.has_valgrind && !vg_pos->line)
        *vg_pos = f->env.valgrind_pos;
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < nov[k]; i++) {
            const struct fr_env *o = k < 2 ? &ov[k][i] : &f->sample.instances[i].env;

            check_env(ck, o);
            if (o->present && (o->limits.memory_mb > 0 || o->has_valgrind))
                check_memory(ck, u, f, base, o);
            if (o->present && o->has_valgrind && !vg_pos->line)
                *vg_pos = o->valgrind_pos;
        }
    }
}

static void check_fmp(struct ck *ck, size_t u, const struct fr_fmp_conf *f,
                      struct fr_pos *vg_pos)
{
    const bool present[] = { f->restart.present, f->replicate.present,
                             f->sample.present };
    const struct fr_pos ppos[] = { f->restart.pos, f->replicate.pos,
                                   f->sample.pos };
    const char *name = f->name ? f->name : "?";
    bool holds_main = false;
    int *idx;

    idx = talloc_array(ck->e->ctx, int, f->nmodules ? f->nmodules : 1);
    if (!idx) {
        ck->e->oom = true;
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
                talloc_asprintf(ck->e->ctx, "main stays in the root process; "
                                "move the modules that need %s to an FMP of "
                                "their own", what) :
                talloc_asprintf(ck->e->ctx, "main stays in the root process; "
                                "remove %s from this FMP", what);
            if (!hint)
                ck->e->oom = true;
            add_err(ck->e, env ? f->env.pos : ppos[i], hint, "FMP '%s' holds "
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
            hint = caps_text(ck->e->ctx, mod->caps | policies[i].cap);
            if (hint)
                hint = talloc_asprintf(ck->e->ctx, "mark it FRACTURE_MODULE(%s, "
                                       "%s) if %s it is safe, or move it to "
                                       "another FMP", mod->name, hint,
                                       policies[i].verb);
            if (!hint)
                ck->e->oom = true;
            add_err(ck->e, ppos[i], hint, "FMP '%s' asks for %s, but module "
                    "'%s' is not %s", name, policies[i].name, mod->name,
                    policies[i].adj);
        }
    }
    talloc_free(idx);
    check_fmp_envs(ck, u, f, vg_pos);
}

/*
 * What this runtime cannot do yet is refused, never ignored: a config that
 * asks for tracing must not run without it.
 */
static void check_supported(struct ck *ck)
{
    static const char hint[] = "remove it for now; this runtime starts FMPs with env "
                               "vars, limits, nice, cpus, preload agents, valgrind, restart, "
                               "replicate and sample";
    const struct fr_config *cfg = ck->cfg;

    for (size_t i = 0; i < cfg->nfmps; i++) {
        const struct fr_fmp_conf *f = &cfg->fmps[i];
        const char *name = f->name ? f->name : "?";

        if (f->sample.present && f->sample.ninstances > FR_GROUP_MAX)
            add_err(ck->e, f->sample.pos, "merge instances with the same environment "
                    "(add their weights)", "FMP '%s': %zu sample instances, at most %d "
                    "are supported", name, f->sample.ninstances, FR_GROUP_MAX);
    }
    if (cfg->has_trace)
        add_err(ck->e, cfg->trace_pos, hint, "trace is not supported by this version of "
                "Fracture (%s)", FR_VERSION);
}

static void check_all(struct errs *e, const struct fr_config *cfg,
                      const struct fr_app *app)
{
    struct fr_pos vg_pos = { 0, 0 };
    struct layout lay;
    struct ck ck;

    memset(&ck, 0, sizeof(ck));
    ck.e = e;
    ck.cfg = cfg;
    ck.app = app;
    ck.valgrind = -1;
    ck.have_cpus = -1;
    ck.have_tools = -1;
    ck.sorted = talloc_array(e->ctx, struct named, app->nmodules ? app->nmodules : 1);
    if (!ck.sorted) {
        e->oom = true;
        return;
    }
    for (unsigned i = 0; app->modules && i < app->nmodules; i++)
        if (app->modules[i].name)
            ck.sorted[ck.nsorted++] = (struct named){ app->modules[i].name, i };
    /* by name, then index: the first of two equal names wins */
    qsort(ck.sorted, ck.nsorted, sizeof(*ck.sorted), cmp_named);

    /* The numbers first: the memory checks of each FMP need them. */
    memset(&lay, 0, sizeof(lay));
    if (cfg->nfmps) {
        int rc = make_layout(&ck, &lay);

        if (rc == -ENOMEM)
            e->oom = true;
        if (rc == 0 && check_region(&ck, &lay))
            ck.lay = &lay;
    }
    check_root_memory(&ck);
    for (size_t i = 0; i < cfg->nfmps && !e->full && !e->oom; i++)
        check_fmp(&ck, i, &cfg->fmps[i], &vg_pos);
    if (vg_pos.line)
        check_reports(&ck, vg_pos);
    check_supported(&ck);
}

int fr__config_check(const struct fr_config *cfg, const struct fr_app *app,
                     struct fr_diag *d)
{
    struct errs e;
    void *tmp;
    int ret;

    if (!cfg || !app)
        return -EINVAL;
    tmp = talloc_new(d->ctx);
    if (!tmp)
        return -ENOMEM;
    errs_init(&e, tmp, cfg->file ? cfg->file : "<config>");
    check_all(&e, cfg, app);
    ret = errs_flush(&e, d);
    talloc_free(tmp);
    return ret;
}
