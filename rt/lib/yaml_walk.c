/*
 * yaml_walk.c - the walk over a loaded YAML document that the deployment
 * file is read with (yaml_walk.h says how the config layer uses it): the
 * error list, node helpers, numbers, names, and the schema-driven walk of
 * a mapping.  It knows YAML and libyaml's document tree, and no key of the
 * file: those are the tables of config.c and env.c.
 *
 * Every step of a walk goes through fr__walk_node, so that an alias costs
 * what it expands to, up to a bound (MAX_REVISITS).
 */
#include "yaml_walk.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <talloc.h>

/* Past this many errors the rest is noise (and a hostile file could make
 * millions); the user fixes these first. */
#define MAX_ERRORS 100
/* Nodes an alias may make the walk see again.  Aliases are handy for
 * repeated environments, but nested ones expand exponentially. */
#define MAX_REVISITS 10000
/* User text quoted in a message is cut after this many bytes. */
#define SHOW_MAX 60

/* ---- errors ------------------------------------------------------------ */

void fr__errs_init(struct fr_errs *e, void *ctx, const char *file)
{
    memset(e, 0, sizeof(*e));
    e->ctx = ctx;
    e->file = file;
}

__attribute__((format(printf, 4, 5)))
void fr__err(struct fr_errs *e, struct fr_pos pos, const char *hint,
             const char *fmt, ...)
{
    struct fr_err *v;
    va_list ap;

    if (e->full || e->oom)
        return;
    if (e->n == MAX_ERRORS) {
        e->full = true;
        return;
    }
    v = talloc_realloc(e->ctx, e->v, struct fr_err, e->n + 1);
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
    const struct fr_err *x = a, *y = b;

    if (x->pos.line != y->pos.line)
        return x->pos.line < y->pos.line ? -1 : 1;
    if (x->pos.col != y->pos.col)
        return x->pos.col < y->pos.col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int fr__errs_flush(struct fr_errs *e, struct fr_diag *d)
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

const char *fr__show(struct fr_errs *e, const char *s, size_t len)
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

char *fr__errs_hint(struct fr_errs *e, const char *word,
                    const char *const *names, size_t n, size_t most,
                    const char *intro)
{
    const char *best = fr__suggest(word, names, n);
    char *hint;

    if (best) {
        hint = talloc_asprintf(e->ctx, "did you mean '%s'?", best);
    } else {
        hint = talloc_strdup(e->ctx, intro);   /* NULL for NULL */
        for (size_t i = 0; hint && i < n && i < most; i++)
            hint = talloc_asprintf_append(hint, "%s%s", i ? ", " : "",
                                          names[i]);
        if (hint && n > most)
            hint = talloc_asprintf_append(hint, ", and %zu more", n - most);
    }
    if (!hint)
        e->oom = true;
    return hint;
}

/* ---- the walk ---------------------------------------------------------- */

bool fr__walk_start(struct fr_walk *st)
{
    st->nnodes = (size_t)(st->doc->nodes.top - st->doc->nodes.start);
    st->seen = talloc_zero_array(st->e.ctx, unsigned char, st->nnodes);
    if (!st->seen) {
        fr__walk_oom(st);
        return false;
    }
    st->seen[0] = 1;          /* the root is node 1 */
    return true;
}

bool fr__walk_stopped(const struct fr_walk *st)
{
    return st->e.full || st->e.oom || st->bomb || st->deep;
}

yaml_node_t *fr__walk_node(struct fr_walk *st, int idx)
{
    yaml_node_t *n;
    size_t i;

    if (fr__walk_stopped(st))
        return NULL;
    n = yaml_document_get_node(st->doc, idx);
    if (!n)
        return NULL;
    i = (size_t)idx - 1;
    if (st->seen[i] && ++st->revisits > MAX_REVISITS) {
        fr__err(&st->e, pos_of(n), "use fewer or less nested aliases",
                "aliases expand this config too much (more than %d nodes "
                "repeated)", MAX_REVISITS);
        st->bomb = true;
        return NULL;
    }
    st->seen[i] = 1;
    return n;
}

bool fr__walk_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || quoted(n))
        return false;
    return slen(n) == 0 || text_is(stext(n), slen(n), "~") ||
           text_is(stext(n), slen(n), "null") ||
           text_is(stext(n), slen(n), "Null") ||
           text_is(stext(n), slen(n), "NULL");
}

const char *fr__walk_describe(struct fr_walk *st, const yaml_node_t *n)
{
    const char *s;

    switch (n->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_SCALAR_NODE:
        if (fr__walk_is_null(n))
            return "nothing";
        s = talloc_asprintf(st->e.ctx, quoted(n) ? "the string '%s'" : "'%s'",
                            fr__show(&st->e, stext(n), slen(n)));
        if (!s)
            fr__walk_oom(st);
        return s ? s : "?";
    default:
        return "nothing";
    }
}

bool fr__walk_expect(struct fr_walk *st, const yaml_node_t *n,
                     yaml_node_type_t type, const char *what,
                     const char *hint_null)
{
    if (n->type == type && !(type == YAML_SCALAR_NODE && fr__walk_is_null(n)))
        return true;
    fr__err(&st->e, pos_of(n), fr__walk_is_null(n) ? hint_null : NULL,
            "expected %s, found %s", what, fr__walk_describe(st, n));
    return false;
}

bool fr__walk_text(struct fr_walk *st, const yaml_node_t *n, const char *what,
                   const char **s, size_t *len)
{
    if (!fr__walk_expect(st, n, YAML_SCALAR_NODE, what, NULL))
        return false;
    if (slen(n) == 0) {
        fr__err(&st->e, pos_of(n), NULL, "expected %s, found an empty string",
                what);
        return false;
    }
    if (memchr(stext(n), '\0', slen(n))) {
        fr__err(&st->e, pos_of(n), NULL, "expected %s without NUL bytes, "
                "found '%s'", what, fr__show(&st->e, stext(n), slen(n)));
        return false;
    }
    *s = stext(n);
    *len = slen(n);
    return true;
}

char *fr__walk_str(struct fr_walk *st, const yaml_node_t *n, const char *what)
{
    const char *s;
    size_t len;
    char *out;

    if (!fr__walk_text(st, n, what, &s, &len))
        return NULL;
    out = talloc_strndup(st->tree, s, len);
    if (!out)
        fr__walk_oom(st);
    return out;
}

void fr__walk_str_list(struct fr_walk *st, yaml_node_t *v, const char *what,
                       const char *item_what, const char *hint_null,
                       bool (*valid)(struct fr_walk *st, const yaml_node_t *it,
                                     const char *s, size_t len),
                       char ***out, struct fr_pos **pos_out, size_t *nout)
{
    size_t n;

    if (!fr__walk_expect(st, v, YAML_SEQUENCE_NODE, what, hint_null))
        return;
    n = seq_len(v);
    if (!n)
        return;
    *out = talloc_zero_array(st->tree, char *, n);
    if (pos_out)
        *pos_out = talloc_zero_array(st->tree, struct fr_pos, n);
    if (!*out || (pos_out && !*pos_out)) {
        fr__walk_oom(st);
        return;
    }
    for (yaml_node_item_t *item = v->data.sequence.items.start;
         item < v->data.sequence.items.top && !fr__walk_stopped(st); item++) {
        yaml_node_t *it = fr__walk_node(st, *item);
        const char *s;
        size_t len;

        if (!it || !fr__walk_text(st, it, item_what, &s, &len))
            continue;
        if (valid && !valid(st, it, s, len))
            continue;
        (*out)[*nout] = talloc_strndup(st->tree, s, len);
        if (!(*out)[*nout]) {
            fr__walk_oom(st);
            return;
        }
        if (pos_out)
            (*pos_out)[*nout] = pos_of(it);
        (*nout)++;
    }
}

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

void fr__walk_syntax_error(struct fr_walk *st, const yaml_parser_t *p,
                           const char *text, size_t len)
{
    struct fr_pos pos;
    char *hint = NULL;

    if (p->error == YAML_MEMORY_ERROR) {
        fr__walk_oom(st);
        return;
    }
    if (p->error == YAML_READER_ERROR)
        pos = offset_pos(text, len, p->problem_offset);
    else
        pos = mark_pos(p->problem_mark);
    if (p->context) {
        hint = talloc_asprintf(st->e.ctx, "%s at line %zu, column %zu",
                               p->context, p->context_mark.line + 1,
                               p->context_mark.column + 1);
        if (!hint)
            fr__walk_oom(st);
    }
    fr__err(&st->e, pos, hint, "invalid YAML: %s",
            p->problem ? p->problem : "syntax error");
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

bool fr__walk_num(struct fr_walk *st, const char *key, const yaml_node_t *n,
                  bool *neg, uint64_t *mag, bool *big)
{
    const char *s = stext(n);
    enum num r;

    if (n->type != YAML_SCALAR_NODE || fr__walk_is_null(n)) {
        fr__err(&st->e, pos_of(n), NULL, "expected an integer for '%s', "
                "found %s", key, fr__walk_describe(st, n));
        return false;
    }
    if (quoted(n)) {
        fr__err(&st->e, pos_of(n), "remove the quotes", "expected an integer "
                "for '%s', found %s", key, fr__walk_describe(st, n));
        return false;
    }
    r = parse_dec(s, slen(n), neg, mag);
    if (r == NUM_BAD) {
        fr__err(&st->e, pos_of(n), num_hint(s, slen(n)), "expected an integer "
                "for '%s', found %s", key, fr__walk_describe(st, n));
        return false;
    }
    *big = r == NUM_BIG;
    return true;
}

bool fr__walk_ll(struct fr_walk *st, const char *key, const yaml_node_t *n,
                 long long min, long long max, long long *out)
{
    bool neg, big;
    uint64_t mag;
    long long v;

    if (!fr__walk_num(st, key, n, &neg, &mag, &big))
        return false;
    if (big || mag > (uint64_t)LLONG_MAX)
        goto out_range;
    v = neg ? -(long long)mag : (long long)mag;
    if (v < min || v > max)
        goto out_range;
    *out = v;
    return true;
out_range:
    fr__err(&st->e, pos_of(n), NULL, "'%s' must be between %lld and %lld, "
            "found %s", key, min, max, fr__show(&st->e, stext(n), slen(n)));
    return false;
}

bool fr__walk_u64(struct fr_walk *st, const char *key, const yaml_node_t *n,
                  uint64_t *out)
{
    bool neg, big;
    uint64_t mag;

    if (!fr__walk_num(st, key, n, &neg, &mag, &big))
        return false;
    if (big || (neg && mag)) {
        fr__err(&st->e, pos_of(n), NULL, "'%s' must be between 0 and %llu, "
                "found %s", key, (unsigned long long)UINT64_MAX,
                fr__show(&st->e, stext(n), slen(n)));
        return false;
    }
    *out = mag;
    return true;
}

/* YAML 1.1 booleans, as a user of other YAML tools would write them. */
bool fr__walk_bool(struct fr_walk *st, const char *key, const yaml_node_t *n,
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
    fr__err(&st->e, pos_of(n), n->type == YAML_SCALAR_NODE && quoted(n) ?
            "remove the quotes" : NULL, "expected true or false for '%s', "
            "found %s", key, fr__walk_describe(st, n));
    return false;
}

/* ---- names ------------------------------------------------------------- */

bool fr__walk_ident(const char *s, size_t len, bool dash)
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

int fr__named_cmp(const void *a, const void *b)
{
    const struct fr_named *x = a, *y = b;
    int c = strcmp(x->name, y->name);

    return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

int fr__find_firsts(void *ctx, const char *const *names, size_t n,
                    size_t *first)
{
    struct fr_named *v = talloc_array(ctx, struct fr_named, n ? n : 1);
    size_t m = 0;

    if (!v)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        first[i] = i;
        if (names[i])
            v[m++] = (struct fr_named){ names[i], i };
    }
    qsort(v, m, sizeof(*v), fr__named_cmp);
    for (size_t i = 1; i < m; i++)
        if (!strcmp(v[i].name, v[i - 1].name))
            first[v[i].i] = first[v[i - 1].i];
    talloc_free(v);
    return 0;
}

/* ---- schema ------------------------------------------------------------ */

static void unknown_key(struct fr_walk *st, const yaml_node_t *k,
                        const struct fr_schema *s)
{
    const char *names[16];
    const char *intro;
    size_t n = s->n < ARRAY_SIZE(names) ? s->n : ARRAY_SIZE(names);

    for (size_t i = 0; i < n; i++)
        names[i] = s->fields[i].key;
    intro = talloc_asprintf(st->e.ctx, "valid keys %s: ", s->where);
    fr__err(&st->e, pos_of(k),
            fr__errs_hint(&st->e, stext(k), names, n, n, intro),
            "unknown key '%s' %s", fr__show(&st->e, stext(k), slen(k)),
            s->where);
}

static void apply(struct fr_walk *st, const struct fr_field *f,
                  const yaml_node_t *k, yaml_node_t *v, void *obj)
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
        if (fr__walk_ll(st, f->key, v, f->min, f->max, &ll)) {
            unsigned u = (unsigned)ll;
            memcpy(p, &u, sizeof(u));
        }
        break;
    case K_LONG:
        if (fr__walk_ll(st, f->key, v, f->min, f->max, &ll)) {
            long l = (long)ll;
            memcpy(p, &l, sizeof(l));
        }
        break;
    case K_U64:
        if (fr__walk_u64(st, f->key, v, &u64))
            memcpy(p, &u64, sizeof(u64));
        break;
    case K_BOOL:
        if (fr__walk_bool(st, f->key, v, &b))
            memcpy(p, &b, sizeof(b));
        break;
    case K_STR:
        s = fr__walk_str(st, v, f->what);
        if (s) {
            char *old;
            memcpy(&old, p, sizeof(old));
            talloc_free(old);          /* a default */
            memcpy(p, &s, sizeof(s));
        }
        break;
    case K_ENUM:
        if (!fr__walk_expect(st, v, YAML_SCALAR_NODE, "a value", NULL))
            break;
        for (size_t i = 0; i < f->nnames; i++) {
            if (text_is(stext(v), slen(v), f->names[i])) {
                int e = (int)i;
                memcpy(p, &e, sizeof(e));
                return;
            }
        }
        fr__err(&st->e, pos_of(v), fr__errs_hint(&st->e, stext(v), f->names,
                                                 f->nnames, f->nnames,
                                                 "expected one of: "),
                "unknown value '%s' for '%s'",
                fr__show(&st->e, stext(v), slen(v)), f->key);
        break;
    case K_FN:
        f->fn(st, k, v, p);
        break;
    }
}

/* A schema has at most 16 keys: their state fits on the stack. */
bool fr__walk_map(struct fr_walk *st, yaml_node_t *map,
                  const struct fr_schema *s, void *obj, const char *what,
                  const char *hint_null)
{
    struct fr_pos first[16];
    bool seen[16] = { false };

    if (!fr__walk_expect(st, map, YAML_MAPPING_NODE, what, hint_null))
        return false;
    for (yaml_node_pair_t *pr = map->data.mapping.pairs.start;
         pr < map->data.mapping.pairs.top && !fr__walk_stopped(st); pr++) {
        yaml_node_t *k = fr__walk_node(st, pr->key);
        yaml_node_t *v = fr__walk_node(st, pr->value);
        const struct fr_field *f = NULL;
        size_t i;

        if (!k || !v)
            continue;
        if (k->type != YAML_SCALAR_NODE) {
            fr__err(&st->e, pos_of(k), NULL, "expected a key name %s, found %s",
                    s->where, fr__walk_describe(st, k));
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
            fr__err(&st->e, pos_of(k), NULL, "duplicate key '%s' %s (first at "
                    "%s:%u:%u)", f->key, s->where, st->e.file, first[i].line,
                    first[i].col);
            continue;
        }
        seen[i] = true;
        first[i] = pos_of(k);
        apply(st, f, k, v, obj);
    }
    for (size_t i = 0; i < s->n && i < ARRAY_SIZE(seen) &&
                       !fr__walk_stopped(st); i++)
        if (s->fields[i].required && !seen[i])
            fr__err(&st->e, pos_of(map), s->fields[i].hint_missing,
                    "missing required key '%s' %s", s->fields[i].key, s->where);
    return true;
}

