/*
 * db_pg.c - the database on a PostgreSQL server, given as a
 * postgresql:// URI (db_backend.h).  The same statements as SQLite's
 * (db.c), sent with text parameters, whose types the server infers from
 * the columns they go to.
 */
#include "db_backend.h"

#include <errno.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

/* the server's "relation already exists, skipping" and the like */
static void quiet(void *arg, const char *msg)
{
    (void)arg;
    (void)msg;
}

static int fail(struct fr_db *db, struct fr_perr *e, const char *what, const PGresult *res)
{
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->h);
    char buf[512];
    size_t n;

    snprintf(buf, sizeof buf, "%s", msg && *msg ? msg : "unknown error");
    n = strlen(buf);
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return fr__perr_set(e, -EIO, FR_PERR_FAILURE, NULL, "%s: %s: %s", db->where, what, buf);
}

static int pg_exec(struct fr_db *db, const char *sql, int nparams, const char *const *params,
                   fr_db_row_fn fn, void *arg, int64_t *changes, struct fr_perr *e)
{
    PGresult *res = PQexecParams(db->h, sql, nparams, NULL, params, NULL, NULL, 0);
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    int rc = 0;

    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        rc = fail(db, e, "query failed", res);
        PQclear(res);
        return rc;
    }
    if (fn) {
        int rows = PQntuples(res), n = PQnfields(res);
        const char *vals[16];

        if (n > 16)
            n = 16;
        for (int r = 0; r < rows && rc == 0; r++) {
            for (int i = 0; i < n; i++)
                vals[i] = PQgetisnull(res, r, i) ? NULL : PQgetvalue(res, r, i);
            rc = fn(arg, n, vals);
        }
    }
    if (changes)
        *changes = strtoll(PQcmdTuples(res), NULL, 10);
    PQclear(res);
    return rc;
}

static void pg_close(struct fr_db *db)
{
    PQfinish(db->h);
    db->h = NULL;
}

static const struct fr_db_ops ops = { pg_exec, pg_close };

int fr__db_pg_connect(struct fr_db *db, const char *where, struct fr_perr *e)
{
    PGconn *c = PQconnectdb(where);

    db->ops = &ops;
    db->h = c;
    if (!c)
        return fr__perr_oom(e);
    if (PQstatus(c) != CONNECTION_OK) {
        char *msg = strtok(PQerrorMessage(c), "\n");
        return fr__perr_set(e, -ECONNREFUSED, FR_PERR_FAILURE,
                            "check the URI (postgresql://USER@HOST/DB, or "
                            "postgresql:///DB?host=/socket/dir) and that the server runs",
                            "%s: cannot connect: %s", db->where, msg ? msg : "unknown error");
    }
    PQsetNoticeProcessor(c, quiet, NULL);
    return 0;
}
