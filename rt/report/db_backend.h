/*
 * db_backend.h - what db.c needs of a database: run one statement with
 * text parameters ($1, $2, ... in the order they first appear, as both
 * SQLite and PostgreSQL number them) and hand each row over as text.
 * db_sqlite.c and db_pg.c each provide one.
 */
#ifndef FR_DB_BACKEND_H
#define FR_DB_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include "perr.h"

/* One row: @vals[i] is column i as text, NULL for SQL NULL.  A negative
 * return stops the statement and is returned. */
typedef int (*fr_db_row_fn)(void *arg, int ncols, const char *const *vals);

struct fr_db;

struct fr_db_ops {
    /* run @sql; rows to @fn (may be NULL); *changes (may be NULL): rows
     * the statement inserted or changed.  0 or a negative errno, with the
     * server's message in @e. */
    int (*exec)(struct fr_db *db, const char *sql, int nparams, const char *const *params,
                fr_db_row_fn fn, void *arg, int64_t *changes, struct fr_perr *e);
    void (*close)(struct fr_db *db);
};

struct fr_db {
    const struct fr_db_ops *ops;
    void *h;                  /* sqlite3 * or PGconn * */
    char *where;              /* as given, for messages */
    char *made;               /* an SQLite file this run created, removed on failure */
    bool in_tx;
};

/* fr__db_sqlite_connect / fr__db_pg_connect - fill @db's ops and handle
 * for @where; 0 or a negative errno (@e). */
int fr__db_sqlite_connect(struct fr_db *db, const char *where, struct fr_perr *e);
int fr__db_pg_connect(struct fr_db *db, const char *where, struct fr_perr *e);

#endif /* FR_DB_BACKEND_H */
