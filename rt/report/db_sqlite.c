/*
 * db_sqlite.c - the database in an SQLite file (db_backend.h).
 */
#include "db_backend.h"

#include <errno.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <talloc.h>

static int fail(struct fr_db *db, struct fr_perr *e, const char *what)
{
    sqlite3 *h = db->h;
    const char *msg = h ? sqlite3_errmsg(h) : "out of memory";
    int code = h ? sqlite3_errcode(h) : SQLITE_NOMEM;

    return fr__perr_set(e, -EIO, FR_PERR_FAILURE,
                        code == SQLITE_NOTADB ? "give --db a file `fracture report` made, "
                                                "or a new name"
                        : code == SQLITE_BUSY ? "another collector holds the database: "
                                                "try again when it is done"
                                              : NULL,
                        "%s: %s: %s", db->where, what, msg);
}

static int sq_exec(struct fr_db *db, const char *sql, int nparams, const char *const *params,
                   fr_db_row_fn fn, void *arg, int64_t *changes, struct fr_perr *e)
{
    sqlite3_stmt *st = NULL;
    int rc = 0, s;

    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
        return fail(db, e, "cannot run a query");
    for (int i = 0; i < nparams; i++)
        if (sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_TRANSIENT) != SQLITE_OK) {
            rc = fail(db, e, "cannot run a query");
            goto out;
        }
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        int n = sqlite3_column_count(st);
        const char *vals[16];

        if (!fn)
            continue;
        if (n > 16)
            n = 16;
        for (int i = 0; i < n; i++)
            vals[i] = (const char *)sqlite3_column_text(st, i);
        if ((rc = fn(arg, n, vals)) < 0)
            goto out;
    }
    if (s != SQLITE_DONE) {
        rc = fail(db, e, "query failed");
        goto out;
    }
    if (changes)
        *changes = sqlite3_changes(db->h);
out:
    sqlite3_finalize(st);
    return rc;
}

static void sq_close(struct fr_db *db)
{
    sqlite3_close(db->h);
    db->h = NULL;
}

static const struct fr_db_ops ops = { sq_exec, sq_close };

int fr__db_sqlite_connect(struct fr_db *db, const char *where, struct fr_perr *e)
{
    struct stat st;
    sqlite3 *h = NULL;

    db->ops = &ops;
    if (stat(where, &st) < 0 && errno == ENOENT && !(db->made = talloc_strdup(db, where)))
        return fr__perr_oom(e);
    if (sqlite3_open_v2(where, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        db->h = h;
        return fail(db, e, "cannot open the database");
    }
    db->h = h;
    /* collectors may merge at once: wait for the other's transaction */
    sqlite3_busy_timeout(h, 10000);
    return 0;
}
