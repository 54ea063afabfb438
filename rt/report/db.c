/*
 * db.c - the schema and the queries of `fracture report --db`, the same
 * text on SQLite and PostgreSQL (db.h).
 *
 * Only what both speak: TEXT and BIGINT columns, INSERT ... ON CONFLICT DO
 * NOTHING, COUNT(DISTINCT ...), $N parameters.  A report's row goes in
 * first, keyed by its hash: when it is there already the insert changes
 * nothing, and that is how a second merge of one report is recognised,
 * atomically, even with two collectors merging at once.  The ranking's
 * ties are broken in C (by signature, bytewise), since the two databases
 * order text by different collations.
 */
#include "db.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <talloc.h>
#include <unistd.h>

#include "db_backend.h"
#include "signature.h"

#define SCHEMA_VERSION "1"

static const char *const schema[] = {
    "CREATE TABLE IF NOT EXISTS fracture_schema (version BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS fracture_reports ("
    " hash TEXT PRIMARY KEY, deployment TEXT NOT NULL, file TEXT NOT NULL,"
    " tool TEXT, fmp TEXT, truncated BIGINT NOT NULL, nerrors BIGINT NOT NULL,"
    " mtime BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS fracture_classes ("
    " signature TEXT PRIMARY KEY, kind TEXT NOT NULL, what TEXT NOT NULL, stack TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS fracture_occurrences ("
    " report TEXT NOT NULL REFERENCES fracture_reports (hash),"
    " signature TEXT NOT NULL REFERENCES fracture_classes (signature),"
    " deployment TEXT NOT NULL, module TEXT NOT NULL, fmp TEXT NOT NULL,"
    " count BIGINT NOT NULL, bytes BIGINT NOT NULL, seen BIGINT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS fracture_occurrences_signature"
    " ON fracture_occurrences (signature)",
};

/* The ranking: deployments that saw a class, then occurrences, then bytes. */
static const char ranking[] =
    "SELECT c.signature, c.kind, c.what, c.stack, COUNT(DISTINCT o.deployment),"
    " SUM(o.count), SUM(o.bytes), MIN(o.seen), MAX(o.seen)"
    " FROM fracture_classes c JOIN fracture_occurrences o ON o.signature = c.signature"
    " GROUP BY c.signature, c.kind, c.what, c.stack"
    " ORDER BY 5 DESC, 6 DESC, 7 DESC, 1";

bool fr__db_is_pg(const char *where)
{
    return strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0;
}

/* @where with a URI's password masked, for messages. */
static char *redacted(void *ctx, const char *where)
{
    const char *s = strstr(where, "://"), *at, *colon, *slash;

    if (!s)
        return talloc_strdup(ctx, where);
    s += 3;
    at = strchr(s, '@');
    colon = strchr(s, ':');
    slash = strchr(s, '/');
    if (!at || !colon || colon > at || (slash && slash < at))
        return talloc_strdup(ctx, where);
    return talloc_asprintf(ctx, "%.*s:***%s", (int)(colon - where), where, at);
}

static int run(struct fr_db *db, const char *sql, int n, const char *const *p,
               fr_db_row_fn fn, void *arg, int64_t *changes, struct fr_perr *e)
{
    return db->ops->exec(db, sql, n, p, fn, arg, changes, e);
}

static int version_row(void *arg, int ncols, const char *const *vals)
{
    char **v = arg;
    if (ncols > 0 && vals[0] && !*v)
        *v = strdup(vals[0]);
    return 0;
}

static int destroy(struct fr_db *db)
{
    if (db->h)
        db->ops->close(db);
    return 0;
}

int fr__db_open(void *ctx, const char *where, struct fr_db **out, struct fr_perr *e)
{
    struct fr_db *db = talloc_zero(ctx, struct fr_db);
    char *version = NULL;
    int rc;

    *out = NULL;
    if (!db || !(db->where = redacted(db, where)))
        return talloc_free(db), fr__perr_oom(e);
    talloc_set_destructor(db, destroy);
    rc = fr__db_is_pg(where) ? fr__db_pg_connect(db, where, e)
                             : fr__db_sqlite_connect(db, where, e);
    if (rc < 0)
        goto out_fail;
    if ((rc = run(db, "BEGIN", 0, NULL, NULL, NULL, NULL, e)) < 0)
        goto out_fail;
    db->in_tx = true;
    for (size_t i = 0; i < sizeof schema / sizeof schema[0]; i++)
        if ((rc = run(db, schema[i], 0, NULL, NULL, NULL, NULL, e)) < 0)
            goto out_fail;
    rc = run(db, "SELECT version FROM fracture_schema", 0, NULL, version_row, &version, NULL, e);
    if (rc < 0)
        goto out_fail;
    if (!version) {
        rc = run(db, "INSERT INTO fracture_schema (version) VALUES ($1)", 1,
                 (const char *[]){ SCHEMA_VERSION }, NULL, NULL, NULL, e);
        if (rc < 0)
            goto out_fail;
    } else if (strcmp(version, SCHEMA_VERSION) != 0) {
        rc = fr__perr_set(e, -EPROTO, FR_PERR_FAILURE,
                          "use the fracture release that made it, or a new database",
                          "%s: schema version %s, this fracture knows %s", db->where, version,
                          SCHEMA_VERSION);
        free(version);
        goto out_fail;
    }
    free(version);
    *out = db;
    return 0;
out_fail:
    fr__db_close(db);
    return rc;
}

static char *stack_json(const struct fr_vg_frame *fr, size_t n)
{
    json_t *a = json_array();
    char *s;

    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_pack("{s:s, s:s?, s:s?, s:s?, s:I}", "fn", fr[i].fn,
                                               "file", fr[i].file, "dir", fr[i].dir, "obj",
                                               fr[i].obj, "line", (json_int_t)fr[i].line)) < 0) {
            json_decref(a);
            return NULL;
        }
    s = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    return s;
}

int fr__db_merge(struct fr_db *db, const char *deployment, const char *hash,
                 const struct fr_vg_report *r, int64_t mtime, bool *already, struct fr_perr *e)
{
    void *tmp = talloc_new(db);
    struct fr_classes *one = tmp ? fr__classes_new(tmp) : NULL;
    char *trunc, *nerr, *mt, *module;
    int64_t changes = 0;
    int rc;

    *already = false;
    if (!one)
        return talloc_free(tmp), fr__perr_oom(e);
    trunc = talloc_asprintf(tmp, "%d", r->truncated ? 1 : 0);
    nerr = talloc_asprintf(tmp, "%zu", r->nerrors);
    mt = talloc_asprintf(tmp, "%" PRId64, mtime);
    module = fr__classes_module(tmp, r);
    if (!trunc || !nerr || !mt || !module) {
        rc = fr__perr_oom(e);
        goto out;
    }
    rc = run(db, "INSERT INTO fracture_reports"
                 " (hash, deployment, file, tool, fmp, truncated, nerrors, mtime)"
                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (hash) DO NOTHING",
             8, (const char *[]){ hash, deployment, r->name, r->tool, r->fmp, trunc, nerr, mt },
             NULL, NULL, &changes, e);
    if (rc < 0)
        goto out;
    if (changes == 0) {
        *already = true;
        goto out;
    }
    /* the classes of this one report, as a run without --db makes them:
     * counts added up per signature, the first error's stack kept */
    if ((rc = fr__classes_add(one, deployment, r, mtime)) < 0) {
        rc = fr__perr_oom(e);
        goto out;
    }
    for (size_t i = 0; i < one->n && rc == 0; i++) {
        const struct fr_class *k = &one->v[i];
        char *stack = stack_json(k->stack, k->nstack);
        char *count = talloc_asprintf(tmp, "%" PRId64, k->occurrences);
        char *bytes = talloc_asprintf(tmp, "%" PRId64, k->bytes);

        if (!stack || !count || !bytes) {
            free(stack);
            rc = fr__perr_oom(e);
            break;
        }
        rc = run(db, "INSERT INTO fracture_classes (signature, kind, what, stack)"
                     " VALUES ($1, $2, $3, $4) ON CONFLICT (signature) DO NOTHING",
                 4, (const char *[]){ k->signature, k->kind, k->what, stack }, NULL, NULL, NULL,
                 e);
        free(stack);
        if (rc == 0)
            rc = run(db, "INSERT INTO fracture_occurrences"
                         " (report, signature, deployment, module, fmp, count, bytes, seen)"
                         " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                     8, (const char *[]){ hash, k->signature, deployment, module,
                                          r->fmp ? r->fmp : "?", count, bytes, mt },
                     NULL, NULL, NULL, e);
    }
out:
    talloc_free(tmp);
    return rc;
}

struct load {
    struct fr_classes *c;
    struct fr_perr *e;
};

static int64_t num(const char *s)
{
    return s ? strtoll(s, NULL, 10) : 0;
}

static char *dup_or_null(void *ctx, json_t *o, const char *key, bool *oom)
{
    const char *s = json_string_value(json_object_get(o, key));
    char *d = s ? talloc_strdup(ctx, s) : NULL;

    if (s && !d)
        *oom = true;
    return d;
}

/* A class's stack as db.c stored it (stack_json). */
static int parse_stack(struct fr_class *k, void *owner, const char *text)
{
    json_t *a = json_loads(text ? text : "[]", 0, NULL);
    size_t n = json_is_array(a) ? json_array_size(a) : 0;
    bool oom = false;

    k->stack = talloc_zero_array(owner, struct fr_vg_frame, n ? n : 1);
    if (!k->stack) {
        json_decref(a);
        return -ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(a, i);
        struct fr_vg_frame *to = &k->stack[k->nstack];

        to->fn = dup_or_null(k->stack, f, "fn", &oom);
        if (!to->fn)
            continue;
        to->file = dup_or_null(k->stack, f, "file", &oom);
        to->dir = dup_or_null(k->stack, f, "dir", &oom);
        to->obj = dup_or_null(k->stack, f, "obj", &oom);
        to->line = (long)json_integer_value(json_object_get(f, "line"));
        k->nstack++;
    }
    json_decref(a);
    return oom ? -ENOMEM : 0;
}

static int class_row(void *arg, int ncols, const char *const *v)
{
    struct load *l = arg;
    struct fr_class *k;
    struct fr_strset none = { 0 };

    if (ncols < 9 || !v[0])
        return 0;
    if (!(k = fr__classes_find_or_add(l->c, v[0])))
        return fr__perr_oom(l->e);
    k->kind = talloc_strdup(l->c->v, v[1] ? v[1] : "Unknown");
    k->what = talloc_strdup(l->c->v, v[2] ? v[2] : "");
    if (!k->kind || !k->what || parse_stack(k, l->c->v, v[3]) < 0)
        return fr__perr_oom(l->e);
    k->deployments = none;    /* filled, with the names, by the next query */
    k->occurrences = num(v[5]);
    k->bytes = num(v[6]);
    k->first_seen = num(v[7]);
    k->last_seen = num(v[8]);
    return 0;
}

static int member_row(void *arg, int ncols, const char *const *v)
{
    struct load *l = arg;
    struct fr_class *k;

    if (ncols < 4 || !v[0] || !v[1] || !v[2] || !v[3])
        return 0;
    if (!(k = fr__classes_find_or_add(l->c, v[0])))
        return fr__perr_oom(l->e);
    if (fr__strset_add(l->c->v, &k->deployments, v[1]) < 0 ||
        fr__strset_add(l->c->v, &k->modules, v[2]) < 0 ||
        fr__strset_add(l->c->v, &k->fmps, v[3]) < 0)
        return fr__perr_oom(l->e);
    return 0;
}

static int report_row(void *arg, int ncols, const char *const *v)
{
    struct load *l = arg;
    struct fr_classes *c = l->c;

    if (ncols < 4 || !v[0] || !v[1])
        return 0;
    c->nreports++;
    if (fr__strset_add(c, &c->deployments, v[0]) < 0)
        return fr__perr_oom(l->e);
    if (num(v[3])) {
        struct fr_truncated *g = talloc_realloc(c, c->truncated, struct fr_truncated,
                                                c->ntruncated + 1);
        if (!g)
            return fr__perr_oom(l->e);
        c->truncated = g;
        g[c->ntruncated] = (struct fr_truncated){ .deployment = talloc_strdup(g, v[0]),
                                                  .file = talloc_strdup(g, v[1]),
                                                  .nerrors = (size_t)num(v[2]) };
        if (!g[c->ntruncated].deployment || !g[c->ntruncated].file)
            return fr__perr_oom(l->e);
        c->ntruncated++;
    }
    return 0;
}

int fr__db_load(struct fr_db *db, struct fr_classes *c, struct fr_perr *e)
{
    struct load l = { c, e };
    int rc = run(db, ranking, 0, NULL, class_row, &l, NULL, e);

    if (rc == 0)
        rc = run(db, "SELECT DISTINCT signature, deployment, module, fmp"
                     " FROM fracture_occurrences", 0, NULL, member_row, &l, NULL, e);
    if (rc == 0)
        rc = run(db, "SELECT deployment, file, nerrors, truncated FROM fracture_reports", 0,
                 NULL, report_row, &l, NULL, e);
    if (rc == 0)
        fr__classes_rank(c);
    return rc;
}

int fr__db_commit(struct fr_db *db, struct fr_perr *e)
{
    int rc = run(db, "COMMIT", 0, NULL, NULL, NULL, NULL, e);

    if (rc == 0) {
        db->in_tx = false;
        talloc_free(db->made);
        db->made = NULL;
    }
    return rc;
}

void fr__db_close(struct fr_db *db)
{
    struct fr_perr ignore;

    if (!db)
        return;
    fr__perr_init(&ignore, db);
    if (db->h && db->in_tx)
        run(db, "ROLLBACK", 0, NULL, NULL, NULL, NULL, &ignore);
    if (db->h)
        db->ops->close(db);
    /* a database file this run made and never committed to: nothing written */
    if (db->made)
        unlink(db->made);
    talloc_free(db);
}
