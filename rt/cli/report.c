/*
 * report.c - `fracture report`: Valgrind reports from many deployments in,
 * ranked bug classes out (rt/report/, README.md "fracture report").
 *
 * Every input is read and checked before anything is written: a bad
 * report, archive or directory stops the command with nothing changed (no
 * page, no database row).  With --db the merge, the ranking and the page
 * happen inside one transaction, and the page is renamed into place only
 * once the transaction has committed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <talloc.h>
#include <unistd.h>

#include "classes.h"
#include "cli.h"
#include "db.h"
#include "inputs.h"
#include "outfile.h"
#include "perr.h"
#include "render.h"
#include "sha256.h"
#include "vgxml.h"

#define CMD "report"

static const char help[] =
    "usage: fracture report [--json] [--html FILE.html] [--db FILE|postgresql://...]\n"
    "                       DIR|ARCHIVE.tar.gz...\n"
    "\n"
    "Merges Valgrind's XML reports (memcheck, helgrind) from many deployments\n"
    "into bug classes: an error's kind and its top frames, normalised\n"
    "(addresses, pids and instance numbers out, Fracture's own frames left\n"
    "out).  Classes are ranked by how many deployments saw them, then by\n"
    "occurrences, then by leaked bytes; each names its module and FMP, a\n"
    "stack with file:line, its deployments, and when it was first and last\n"
    "seen (the report files' modification times).\n"
    "\n"
    "Each argument is one deployment: its reports dir (reports.dir of its\n"
    "config, default fracture-reports; *.xml at any depth) or a .tar.gz of\n"
    "it.  The deployment is named by the argument, less a trailing / and\n"
    ".tar.gz.  A report cut short (its process died) is counted and named,\n"
    "and its complete errors are used; the same report given twice counts\n"
    "once.\n"
    "\n"
    "  --json         print one JSON object instead of the text\n"
    "  --html FILE    also write one self-contained HTML page with a chart of\n"
    "                 the top classes\n"
    "  --db WHERE     keep classes and occurrences in a database and print its\n"
    "                 ranking: an SQLite file (made if missing), or a PostgreSQL\n"
    "                 server as postgresql://USER@HOST/DB; each report is merged\n"
    "                 once (known by its SHA-256), so uploads can be merged as\n"
    "                 they come.  With --db the arguments may be left out.\n"
    "\n"
    "Exit status: 0 done, 1 an input or the database failed (nothing is written),\n"
    "2 a usage error.\n";

struct opts {
    bool json;
    const char *html, *db;
    const char **args;
    size_t nargs;
};

/* One report read, waiting to be merged. */
struct item {
    const char *deployment;
    struct fr_vg_report *r;
    char hash[65];
    int64_t mtime;
};

struct items {
    void *ctx;
    const char *deployment;
    struct item *v;
    size_t n;
    size_t dup;               /* the same bytes given twice in this run */
    struct fr_perr *e;
};

/* 0, 1 for --help (printed), or 2 (said). */
static int parse(void *ctx, int argc, char **argv, struct opts *o)
{
    bool opts_done = false;
    char msg[320];

    *o = (struct opts){ 0 };
    if (!(o->args = talloc_array(ctx, const char *, argc)))
        return fr_usage_error(CMD, "out of memory");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v;

        if (opts_done || a[0] != '-' || !a[1]) {
            o->args[o->nargs++] = a;
        } else if (strcmp(a, "--") == 0) {
            opts_done = true;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(help, stdout);
            return 1;
        } else if (strcmp(a, "--json") == 0) {
            o->json = true;
        } else if (fr_cli_is_opt(a, "--html") || fr_cli_is_opt(a, "--db")) {
            bool html = fr_cli_is_opt(a, "--html");
            if (!(v = fr_cli_value_of(argc, argv, &i, html ? "--html" : "--db")) || !*v) {
                snprintf(msg, sizeof msg, "%s needs a value", html ? "--html" : "--db");
                return fr_usage_error(CMD, msg);
            }
            if (html)
                o->html = v;
            else
                o->db = v;
        } else {
            snprintf(msg, sizeof msg, "unknown option '%.200s'", a);
            return fr_usage_error(CMD, msg);
        }
    }
    if (!o->nargs && !o->db)
        return fr_usage_error(CMD, "no reports: give each deployment's reports dir or .tar.gz");
    return 0;
}

static int take(void *arg, const char *name, const char *data, size_t len, int64_t mtime)
{
    struct items *it = arg;
    struct item *grown, *x;
    char hash[65];
    int rc;

    fr__sha256_hex(data, len, hash);
    for (size_t i = 0; i < it->n; i++)
        if (strcmp(it->v[i].hash, hash) == 0) {
            it->dup++;
            return 0;
        }
    grown = talloc_realloc(it->ctx, it->v, struct item, it->n + 1);
    if (!grown)
        return fr__perr_oom(it->e);
    it->v = grown;
    x = &it->v[it->n];
    *x = (struct item){ .deployment = it->deployment, .mtime = mtime };
    memcpy(x->hash, hash, sizeof hash);
    if ((rc = fr__vgxml_read(it->v, name, data, len, &x->r, it->e)) < 0)
        return rc;
    it->n++;
    return 0;
}

static int read_all(void *ctx, const struct opts *o, struct items *it, struct fr_perr *e)
{
    bool tty = isatty(2);

    *it = (struct items){ .ctx = ctx, .e = e };
    for (size_t i = 0; i < o->nargs; i++) {
        int rc;

        if (tty && o->nargs > 1)
            fprintf(stderr, "\rreading %zu/%zu: %.60s\033[K", i + 1, o->nargs, o->args[i]);
        if (!(it->deployment = fr__input_deployment(ctx, o->args[i])))
            return fr__perr_oom(e);
        for (size_t j = 0; j < i; j++)
            if (strcmp(o->args[j], o->args[i]) == 0)
                return fr__perr_set(e, -EINVAL, FR_PERR_USAGE, "give each deployment once",
                                    "'%s' is given twice", o->args[i]);
        if ((rc = fr__input_walk(ctx, o->args[i], take, it, e)) < 0) {
            if (tty && o->nargs > 1)
                fputs("\r\033[K", stderr);
            return rc;
        }
    }
    if (tty && o->nargs > 1)
        fputs("\r\033[K", stderr);
    return 0;
}

/* The classes from the database, with @it merged into it first; the
 * transaction stays open for the caller to commit. */
static int with_db(void *ctx, const struct opts *o, const struct items *it,
                   struct fr_classes *c, struct fr_db **db, struct fr_perr *e)
{
    int rc = fr__db_open(ctx, o->db, db, e);

    c->from_db = true;
    for (size_t i = 0; rc == 0 && i < it->n; i++) {
        bool already;

        rc = fr__db_merge(*db, it->v[i].deployment, it->v[i].hash, it->v[i].r, it->v[i].mtime,
                          &already, e);
        if (already)
            c->nalready++;
        else
            c->nmerged++;
    }
    if (rc == 0)
        rc = fr__db_load(*db, c, e);
    return rc;
}

int fr_cmd_report(int argc, char **argv)
{
    void *ctx = talloc_new(NULL);
    struct fr_outfile page = { 0 };
    struct fr_classes *c = ctx ? fr__classes_new(ctx) : NULL;
    struct fr_db *db = NULL;
    struct fr_perr e;
    struct items it;
    struct opts o;
    int rc, status = 1;

    if (!c) {
        fprintf(stderr, "fracture: error: out of memory\n");
        talloc_free(ctx);
        return 1;
    }
    fr__perr_init(&e, ctx);
    if ((rc = parse(ctx, argc, argv, &o)) != 0) {
        talloc_free(ctx);
        return rc == 1 ? 0 : rc;
    }
    if ((rc = read_all(ctx, &o, &it, &e)) < 0)
        goto out;
    if (o.db) {
        if ((rc = with_db(ctx, &o, &it, c, &db, &e)) < 0)
            goto out;
        c->nalready += it.dup;
    } else {
        for (size_t i = 0; i < it.n; i++)
            if (fr__classes_add(c, it.v[i].deployment, it.v[i].r, it.v[i].mtime) < 0) {
                rc = fr__perr_oom(&e);
                goto out;
            }
        c->nalready = it.dup;
        fr__classes_rank(c);
    }
    if (o.html) {
        size_t len = 0;
        char *html = fr__render_html(ctx, c, &len);

        if (!html) {
            rc = fr__perr_oom(&e);
            goto out;
        }
        if ((rc = fr__outfile_stage(ctx, o.html, html, len, &page, &e)) < 0)
            goto out;
    }
    if (db && (rc = fr__db_commit(db, &e)) < 0)
        goto out;
    if ((rc = fr__outfile_commit(&page, &e)) < 0)
        goto out;
    if (o.json) {
        if (fr__render_json(stdout, c) < 0) {
            rc = fr__perr_oom(&e);
            goto out;
        }
    } else {
        fr__render_text(stdout, c);
        if (o.html)
            printf("\nwrote %s\n", o.html);
    }
    if (fflush(stdout) != 0) {
        rc = fr__perr_set(&e, -errno, FR_PERR_FAILURE, NULL, "cannot write the output: %s",
                          strerror(errno));
        goto out;
    }
    status = 0;
out:
    fr__outfile_discard(&page);
    fr__db_close(db);
    if (status != 0)
        status = fr_cli_fail(CMD, &e);
    talloc_free(ctx);
    return status;
}
