/*
 * accesslog.c - module "accesslog": the access log in Common Log Format,
 *   127.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 2326
 * The open FILE is this module's state, reached only through its calls, so
 * that the module can live in another FMP.  Restartable: log_open is an
 * FR_INIT call, replayed into a restarted FMP, which appends again.  Not
 * replicable or samplable: every instance would write the file.
 */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "accesslog.h"

FRACTURE_MODULE(accesslog, FR_RESTARTABLE);

static FILE *log_file;

int log_open(const char *path)
{
    FILE *f = fopen(path, "ae");

    if (!f)
        return -errno;
    if (log_file)
        fclose(log_file);
    log_file = f;
    return 0;
}

void log_request(const struct log_entry *e)
{
    char when[64];
    time_t t = (time_t)e->when;
    struct tm tm;

    if (!log_file)
        return;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S +0000", &tm);
    /* One fprintf per line, flushed at once: stdio locks the FILE, so lines
     * from concurrent workers never interleave, and a crash loses none. */
    flockfile(log_file);
    if (e->bytes > 0)
        fprintf(log_file, "%s - - [%s] \"%s\" %d %lld\n", e->remote, when, e->line, e->status,
                e->bytes);
    else
        fprintf(log_file, "%s - - [%s] \"%s\" %d -\n", e->remote, when, e->line, e->status);
    fflush(log_file);
    funlockfile(log_file);
}

void log_close(void)
{
    if (log_file)
        fclose(log_file);
    log_file = NULL;
}
