/*
 * vgxml.h - one Valgrind XML report (memcheck's or helgrind's protocol 4)
 * read into memory with libxml2's streaming reader: who wrote it (tool,
 * pid, the FMP and its modules), and its errors with their stacks, counts
 * and leaked bytes.
 *
 * A report cut short (its process was killed: no closing tag) is not an
 * error: it is marked truncated and keeps every error that was complete.
 * A file that is not Valgrind's XML, or is broken before its end, is
 * refused with file:line:col.
 */
#ifndef FR_VGXML_H
#define FR_VGXML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "perr.h"

/* The largest count or byte total one error may claim (2^40): a million
 * reports of such errors still add up within int64_t. */
#define FR_VG_MAX_COUNT ((int64_t)1 << 40)

struct fr_vg_frame {
    char *fn;                 /* NULL where Valgrind had no name */
    char *obj;                /* the object (executable, library), or NULL */
    char *file;               /* the source file (basename as Valgrind gives it), or NULL */
    char *dir;                /* its directory, or NULL */
    long line;                /* 0: unknown */
};

struct fr_vg_error {
    char *unique;             /* Valgrind's id of the error in this report ("0x15") */
    char *kind;               /* Leak_DefinitelyLost, InvalidRead, Race, ... */
    char *what;               /* the error's text as Valgrind wrote it */
    int64_t count;            /* how many times it happened (errorcounts; 1 for a leak) */
    int64_t bytes;            /* leaked bytes, 0 for other kinds */
    struct fr_vg_frame *frames;   /* the primary stack, innermost first */
    size_t nframes;
};

struct fr_vg_report {
    char *name;               /* as messages name it: "ARG/path/to/file.xml" */
    char *tool;               /* "memcheck" or "helgrind" */
    long pid;                 /* 0: not reached */
    char *fmp;                /* the FMP (file name or the runtime's comment), or NULL */
    char *member;             /* "instance1", "replica2", or NULL */
    char **modules;           /* the FMP's modules (the runtime's comment) */
    size_t nmodules;
    bool truncated;           /* no closing tag: the process died */
    struct fr_vg_error *errors;
    size_t nerrors;
};

/*
 * fr__vgxml_read - parse @len bytes of @data, a file called @name (its
 * basename says the FMP: FMP[.instanceJ|.replicaJ].PID.xml, as the
 * runtime names reports).  On success *out is a new report under @ctx.
 * On failure -EINVAL (not Valgrind's XML, another tool, broken XML) or
 * -ENOMEM, with the reason, naming @name and the line:col, in @e.
 */
int fr__vgxml_read(void *ctx, const char *name, const char *data, size_t len,
                   struct fr_vg_report **out, struct fr_perr *e);

#endif /* FR_VGXML_H */
