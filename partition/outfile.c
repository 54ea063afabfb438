/*
 * outfile.c - whole-or-nothing file writes (outfile.h).
 */
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <talloc.h>
#include <unistd.h>

int fr__outfile_stage(void *ctx, const char *path, const char *data, size_t len,
                      struct fr_outfile *o, struct fr_perr *e)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    mode_t mask;
    int fd, err = 0;

    *o = (struct fr_outfile){ 0 };
    o->path = talloc_strdup(ctx, path);
    /* hidden, in the same directory: rename(2) stays on one filesystem */
    o->tmp = talloc_asprintf(ctx, "%.*s.%s.XXXXXX", dirlen, path, slash ? slash + 1 : path);
    if (!o->path || !o->tmp)
        return fr__perr_oom(e);
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        err = errno;
        o->tmp = NULL;
        return fr__perr_set(e, -err, FR_PERR_FAILURE, "write it to a directory you may write to",
                            "%s: cannot write: %s", path, strerror(err));
    }
    mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) < 0)
        err = errno;
    for (size_t off = 0; !err && off < len;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            err = errno;
        else
            off += (size_t)n;
    }
    if (close(fd) < 0 && !err)
        err = errno;
    if (err) {
        fr__outfile_discard(o);
        return fr__perr_set(e, -err, FR_PERR_FAILURE, NULL, "%s: cannot write: %s", path,
                            strerror(err));
    }
    return 0;
}

int fr__outfile_commit(struct fr_outfile *o, struct fr_perr *e)
{
    if (!o->tmp)
        return 0;
    if (rename(o->tmp, o->path) < 0) {
        int err = errno;
        fr__outfile_discard(o);
        return fr__perr_set(e, -err, FR_PERR_FAILURE, NULL, "%s: cannot write: %s", o->path,
                            strerror(err));
    }
    o->tmp = NULL;
    return 0;
}

void fr__outfile_discard(struct fr_outfile *o)
{
    if (o->tmp)
        unlink(o->tmp);
    o->tmp = NULL;
}

int fr__outfile_write(void *ctx, const char *path, const char *data, size_t len,
                      struct fr_perr *e)
{
    struct fr_outfile o;
    int rc = fr__outfile_stage(ctx, path, data, len, &o, e);

    return rc ? rc : fr__outfile_commit(&o, e);
}
