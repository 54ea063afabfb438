/*
 * db.h - bug classes and their occurrences kept in a database, so that a
 * collector merges each deployment's upload once, as it comes, and the
 * ranking is one SQL query.  SQLite (a file) is the embedded default;
 * "postgresql://..." runs the same schema and the same queries on
 * PostgreSQL (db_sqlite.c, db_pg.c hold only the connection).
 *
 * A report is known by the SHA-256 of its bytes: merged again, under any
 * name, from a directory or an archive, it is recognised and not counted
 * twice.  README.md ("fracture report") shows the schema.
 */
#ifndef FR_DB_H
#define FR_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "classes.h"
#include "perr.h"
#include "vgxml.h"

struct fr_db;

/* fr__db_is_pg - whether @where names a PostgreSQL server rather than a file. */
bool fr__db_is_pg(const char *where);

/*
 * fr__db_open - connect to @where (an SQLite file, made if missing, or a
 * postgresql:// URI), make the schema if it is not there, check its
 * version, and begin a transaction.  The handle lives under @ctx; close it
 * with fr__db_close.  0, or a negative errno with the reason in @e (and
 * an SQLite file this call made is removed again).
 */
int fr__db_open(void *ctx, const char *where, struct fr_db **out, struct fr_perr *e);

/*
 * fr__db_merge - add report @r of @deployment, whose bytes hash to @hash,
 * last written at @mtime: one row for the report, one per error, a class
 * for each new signature.  *already is set when a report of that hash was
 * merged before (then nothing is added).  0 or a negative errno (@e).
 */
int fr__db_merge(struct fr_db *db, const char *deployment, const char *hash,
                 const struct fr_vg_report *r, int64_t mtime, bool *already, struct fr_perr *e);

/* fr__db_load - everything the database holds, ranked, into @c. */
int fr__db_load(struct fr_db *db, struct fr_classes *c, struct fr_perr *e);

/* fr__db_commit - commit what was merged; 0 or a negative errno (@e). */
int fr__db_commit(struct fr_db *db, struct fr_perr *e);

/* fr__db_close - roll back whatever was not committed, and disconnect. */
void fr__db_close(struct fr_db *db);

#endif /* FR_DB_H */
