/*
 * perr.c - the one failure a partition step reports (perr.h).
 */
#include "perr.h"

#include <errno.h>
#include <stdarg.h>
#include <talloc.h>

void fr__perr_init(struct fr_perr *e, void *ctx)
{
    *e = (struct fr_perr){ .ctx = ctx, .kind = FR_PERR_FAILURE };
}

int fr__perr_set(struct fr_perr *e, int rc, enum fr_perr_kind kind, const char *hint,
                 const char *fmt, ...)
{
    va_list ap;

    if (e->msg)
        return rc;
    va_start(ap, fmt);
    e->msg = talloc_vasprintf(e->ctx, fmt, ap);
    va_end(ap);
    e->hint = hint ? talloc_strdup(e->ctx, hint) : NULL;
    e->kind = kind;
    if (!e->msg)
        e->msg = "out of memory";   /* static: never freed through ctx */
    return rc;
}

int fr__perr_oom(struct fr_perr *e)
{
    return fr__perr_set(e, -ENOMEM, FR_PERR_FAILURE, NULL, "out of memory");
}
